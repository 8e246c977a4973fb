import type { UserView } from '@oversight/contract';
import { useDirectory } from '../../app/directory.tsx';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { usePageTitle } from '../../app/use-async.ts';
import { FilterBar, FilterSelect } from '../../components/filters.tsx';
import { ListResults, SearchBox, useListPage } from '../../components/list.tsx';
import { Badge, PageHeader } from '../../components/ui.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { keysOf, ROLE_LABELS, USER_STATUS_LABELS } from '../../lib/labels.ts';

const FILTERS = ['q', 'role', 'status'] as const;

export function UsersPage() {
  usePageTitle('People');
  const { api, isAdmin } = useSession();
  const directory = useDirectory();
  const list = useListPage<UserView>(FILTERS, (query, signal) => api.users.list(query, { signal }));
  const f = list.filters;
  return (
    <>
      <PageHeader
        title="People"
        description="Everyone with access: in-house admins and owners (who can be accountable), auditors, and vendor users."
        actions={
          isAdmin ? (
            <Link className="button" to="/users/new">
              Add a person
            </Link>
          ) : null
        }
      />
      <FilterBar onClear={list.clearFilters} active={Object.keys(f).length > 0}>
        <SearchBox
          label="Search name or e-mail"
          value={f['q'] ?? ''}
          onSearch={(q) => list.setFilter('q', q)}
        />
        <FilterSelect
          label="Role"
          name="role"
          value={f['role']}
          onChange={(v) => list.setFilter('role', v)}
          options={keysOf(ROLE_LABELS).map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        />
        <FilterSelect
          label="Status"
          name="status"
          value={f['status']}
          onChange={(v) => list.setFilter('status', v)}
          options={keysOf(USER_STATUS_LABELS).map((s) => ({ value: s, label: USER_STATUS_LABELS[s] }))}
        />
      </FilterBar>
      <ListResults
        page={list.page}
        noun="people"
        cursors={list.cursors}
        onNext={list.next}
        onPrevious={list.previous}
        pending={directory.status === 'loading'}
        empty={Object.keys(f).length > 0 ? 'Nobody matches these filters.' : 'No people yet.'}
      >
        {(items) => (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">People</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="col-optional">
                    Since
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((u) => (
                  <tr key={u.id}>
                    <td>
                      <Link to={`/users/${u.id}`} className="table__primary">
                        {u.name}
                      </Link>
                    </td>
                    <td>{u.email}</td>
                    <td>{ROLE_LABELS[u.role]}</td>
                    <td>
                      <Badge tone={u.status === 'active' ? 'success-soft' : 'neutral'}>
                        {USER_STATUS_LABELS[u.status]}
                      </Badge>
                    </td>
                    <td className="nowrap col-optional">{formatDateTime(u.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListResults>
    </>
  );
}
