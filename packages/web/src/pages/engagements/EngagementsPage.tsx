import type { EngagementView } from '@oversight/contract';
import { useDirectory } from '../../app/directory.tsx';
import { useVendors } from '../../app/lookups.ts';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { usePageTitle } from '../../app/use-async.ts';
import { TextField } from '../../components/fields.tsx';
import { FilterBar, FilterSelect } from '../../components/filters.tsx';
import { ListResults, SearchBox, useListPage } from '../../components/list.tsx';
import { UserName } from '../../components/people.tsx';
import { Badge, PageHeader } from '../../components/ui.tsx';
import { formatDate, todayUtc } from '../../lib/format.ts';

const FILTERS = ['q', 'vendorId', 'ownerId', 'endingBefore'] as const;

export function EngagementsPage() {
  usePageTitle('Engagements');
  const { api, canWrite, isStaff } = useSession();
  const { owners } = useDirectory();
  const vendors = useVendors();
  const directory = useDirectory();
  const list = useListPage<EngagementView>(FILTERS, (query, signal) =>
    api.engagements.list(query, { signal }),
  );
  const f = list.filters;
  const today = todayUtc();
  return (
    <>
      <PageHeader
        title="Engagements"
        description="Outsourced marketing work: what each vendor does for the organisation, with which AI systems, for how long, and who answers for it."
        actions={
          canWrite ? (
            <Link className="button" to="/engagements/new">
              Register an engagement
            </Link>
          ) : null
        }
      />
      <FilterBar onClear={list.clearFilters} active={Object.keys(f).length > 0}>
        <SearchBox
          label="Search title or task"
          value={f['q'] ?? ''}
          onSearch={(q) => list.setFilter('q', q)}
        />
        {isStaff ? (
          <FilterSelect
            label="Vendor"
            name="vendorId"
            value={f['vendorId']}
            onChange={(v) => list.setFilter('vendorId', v)}
            options={vendors.items.map((v) => ({ value: v.id, label: v.legalName }))}
          />
        ) : null}
        {isStaff ? (
          <FilterSelect
            label="Owner"
            name="ownerId"
            value={f['ownerId']}
            onChange={(v) => list.setFilter('ownerId', v)}
            options={owners.map((u) => ({ value: u.id, label: u.name }))}
          />
        ) : null}
        <TextField
          label="Ending before"
          name="endingBefore"
          type="date"
          value={f['endingBefore'] ?? ''}
          onChange={(e) => list.setFilter('endingBefore', e.target.value || undefined)}
        />
      </FilterBar>
      <ListResults
        page={list.page}
        noun="engagements"
        cursors={list.cursors}
        onNext={list.next}
        onPrevious={list.previous}
        pending={directory.status === 'loading'}
        empty={
          Object.keys(f).length > 0
            ? 'No engagement matches these filters.'
            : 'No engagements are registered yet.'
        }
      >
        {(items) => (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Engagements</caption>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Vendor</th>
                  <th scope="col">Period</th>
                  <th scope="col">AI systems</th>
                  <th scope="col">Accountable owner</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <Link to={`/engagements/${e.id}`} className="table__primary">
                        {e.title}
                      </Link>
                      {e.task ? <span className="table__secondary">{e.task}</span> : null}
                    </td>
                    <td>
                      <Link to={`/vendors/${e.vendorId}`}>
                        {vendors.byId.get(e.vendorId)?.legalName ?? 'Vendor'}
                      </Link>
                    </td>
                    <td className="nowrap">
                      {formatDate(e.startDate)} – {e.endDate ? formatDate(e.endDate) : 'open-ended'}
                      {e.endDate && e.endDate < today ? (
                        <>
                          {' '}
                          <Badge>Ended</Badge>
                        </>
                      ) : null}
                    </td>
                    <td className="num">{e.systemIds.length}</td>
                    <td>
                      <UserName id={e.ownerId} />
                    </td>
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
