// People shown by name: owners, actors of ledger entries, transfer parties.
import { useDirectory } from '../app/directory.tsx';
import { Link } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { ROLE_LABELS } from '../lib/labels.ts';
import { shortId } from '../lib/format.ts';
import { SelectField } from './fields.tsx';

/** A user's name linking to their page; vendor users, who may not list people, see "in-house owner". */
export function UserName({ id, link = true }: { id: string; link?: boolean }) {
  const { byId, status } = useDirectory();
  const { isStaff, user: me } = useSession();
  if (id === me.id) return <span>{me.name} (you)</span>;
  if (!isStaff) return <span title={id}>In-house owner</span>;
  const user = byId.get(id);
  if (!user) {
    if (id === 'system') return <span>Oversight (system)</span>;
    return (
      <span className="mono" title={id}>
        {status === 'loading' ? '…' : shortId(id)}
      </span>
    );
  }
  const label = user.status === 'deactivated' ? `${user.name} (deactivated)` : user.name;
  return link ? <Link to={`/users/${user.id}`}>{label}</Link> : <span>{label}</span>;
}

/** What a ledger entry is about, by name and linked to its page where there is one. */
export function SubjectName({ subject }: { subject: { type: string; id: string } }) {
  const d = useDirectory();
  const { organization } = useSession();
  switch (subject.type) {
    case 'system': {
      const s = d.systemsById.get(subject.id);
      return <Link to={`/systems/${subject.id}`}>{s ? s.name : `AI system ${shortId(subject.id)}`}</Link>;
    }
    case 'vendor': {
      const v = d.vendorsById.get(subject.id);
      return <Link to={`/vendors/${subject.id}`}>{v ? v.legalName : `vendor ${shortId(subject.id)}`}</Link>;
    }
    case 'engagement': {
      const e = d.engagementsById.get(subject.id);
      return (
        <Link to={`/engagements/${subject.id}`}>{e ? e.title : `engagement ${shortId(subject.id)}`}</Link>
      );
    }
    case 'user':
      return <UserName id={subject.id} />;
    case 'organization':
      return <span>{subject.id === organization.id ? organization.name : shortId(subject.id)}</span>;
    default:
      return (
        <span className="mono" title={subject.id}>
          {subject.type} {shortId(subject.id, 16)}
        </span>
      );
  }
}

/** Who did something in the ledger: a user, an API key's user, or the system itself. */
export function ActorName({ actor }: { actor: { type: string; id: string } }) {
  if (actor.type === 'system') return <span>Oversight (system)</span>;
  if (actor.id.startsWith('usr_')) return <UserName id={actor.id} />;
  return <span className="mono">{actor.id}</span>;
}

/** Picker of the people who may be accountable owners (active admins and owners). */
export function OwnerSelect({
  value,
  onChange,
  error,
  label = 'Accountable owner',
  name = 'ownerId',
  exclude,
  hint,
  required = true,
}: {
  value: string;
  onChange: (id: string) => void;
  error?: string | undefined;
  label?: string;
  name?: string;
  exclude?: string;
  hint?: string;
  required?: boolean;
}) {
  const { owners, status } = useDirectory();
  return (
    <SelectField
      label={label}
      name={name}
      required={required}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={hint ?? 'An active in-house admin or owner who answers for it.'}
      placeholder={status === 'loading' ? 'Loading people…' : 'Choose a person'}
      options={owners
        .filter((u) => u.id !== exclude)
        .map((u) => ({ value: u.id, label: `${u.name} — ${ROLE_LABELS[u.role]}` }))}
    />
  );
}
