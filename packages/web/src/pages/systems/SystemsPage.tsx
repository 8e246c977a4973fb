import type { SystemView } from '@oversight/contract';
import { useDirectory } from '../../app/directory.tsx';
import { useVendors } from '../../app/lookups.ts';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { usePageTitle } from '../../app/use-async.ts';
import { FilterBar, FilterSelect } from '../../components/filters.tsx';
import { ListResults, SearchBox, useListPage } from '../../components/list.tsx';
import { UserName } from '../../components/people.tsx';
import { PageHeader, StatusBadge, TierBadge } from '../../components/ui.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { keysOf, RISK_TIER_LABELS, SYSTEM_KIND_LABELS, SYSTEM_STATUS_LABELS } from '../../lib/labels.ts';

const FILTERS = ['q', 'status', 'kind', 'riskTier', 'ownerId', 'vendorId'] as const;

export function SystemsPage() {
  usePageTitle('AI systems');
  const { api, canWrite, isStaff } = useSession();
  const { owners } = useDirectory();
  const vendors = useVendors();
  const directory = useDirectory();
  const list = useListPage<SystemView>(FILTERS, (query, signal) => api.systems.list(query, { signal }));
  const f = list.filters;

  return (
    <>
      <PageHeader
        title="AI systems"
        description="Every AI system used in the organisation's name, with its accountable owner, lifecycle status and EU AI Act risk tier."
        actions={
          canWrite ? (
            <Link className="button" to="/systems/new">
              Register an AI system
            </Link>
          ) : null
        }
      />
      <FilterBar onClear={list.clearFilters} active={Object.keys(f).length > 0}>
        <SearchBox
          label="Search name, purpose or tags"
          value={f['q'] ?? ''}
          onSearch={(q) => list.setFilter('q', q)}
        />
        <FilterSelect
          label="Status"
          name="status"
          value={f['status']}
          onChange={(v) => list.setFilter('status', v)}
          options={keysOf(SYSTEM_STATUS_LABELS).map((v) => ({ value: v, label: SYSTEM_STATUS_LABELS[v] }))}
        />
        <FilterSelect
          label="Kind"
          name="kind"
          value={f['kind']}
          onChange={(v) => list.setFilter('kind', v)}
          options={keysOf(SYSTEM_KIND_LABELS).map((v) => ({ value: v, label: SYSTEM_KIND_LABELS[v] }))}
        />
        <FilterSelect
          label="Risk tier"
          name="riskTier"
          value={f['riskTier']}
          onChange={(v) => list.setFilter('riskTier', v)}
          options={[
            ...keysOf(RISK_TIER_LABELS).map((v) => ({ value: v, label: RISK_TIER_LABELS[v] })),
            { value: 'unclassified', label: 'Unclassified' },
          ]}
        />
        {isStaff ? (
          <FilterSelect
            label="Owner"
            name="ownerId"
            value={f['ownerId']}
            onChange={(v) => list.setFilter('ownerId', v)}
            options={owners.map((u) => ({ value: u.id, label: u.name }))}
          />
        ) : null}
        {isStaff ? (
          <FilterSelect
            label="Vendor"
            name="vendorId"
            value={f['vendorId']}
            onChange={(v) => list.setFilter('vendorId', v)}
            options={vendors.items.map((v) => ({ value: v.id, label: v.legalName }))}
          />
        ) : null}
      </FilterBar>
      <ListResults
        page={list.page}
        noun="AI systems"
        cursors={list.cursors}
        onNext={list.next}
        onPrevious={list.previous}
        pending={directory.status === 'loading'}
        empty={
          Object.keys(f).length > 0
            ? 'No AI system matches these filters.'
            : 'No AI systems are registered yet.'
        }
      >
        {(items) => (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">AI systems</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="col-optional">
                    Kind
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Risk tier</th>
                  <th scope="col">Accountable owner</th>
                  <th scope="col">Vendor</th>
                  <th scope="col" className="col-optional">
                    Updated
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link to={`/systems/${s.id}`} className="table__primary">
                        {s.name}
                      </Link>
                      {s.purpose ? <span className="table__secondary">{s.purpose}</span> : null}
                    </td>
                    <td className="col-optional">{SYSTEM_KIND_LABELS[s.kind]}</td>
                    <td>
                      <StatusBadge status={s.status} />
                    </td>
                    <td>
                      <TierBadge tier={s.riskTier} />
                    </td>
                    <td>
                      <UserName id={s.ownerId} />
                    </td>
                    <td>
                      {s.vendorId ? (
                        <Link to={`/vendors/${s.vendorId}`}>
                          {vendors.byId.get(s.vendorId)?.legalName ?? 'Vendor'}
                        </Link>
                      ) : (
                        <span className="muted">In-house</span>
                      )}
                    </td>
                    <td className="nowrap col-optional">{formatDateTime(s.updatedAt)}</td>
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
