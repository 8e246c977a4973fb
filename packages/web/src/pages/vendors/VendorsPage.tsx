import type { VendorView } from '@oversight/contract';
import { useDirectory } from '../../app/directory.tsx';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { usePageTitle } from '../../app/use-async.ts';
import { FilterBar, FilterSelect } from '../../components/filters.tsx';
import { ListResults, SearchBox, useListPage } from '../../components/list.tsx';
import { UserName } from '../../components/people.tsx';
import { Badge, PageHeader } from '../../components/ui.tsx';
import { formatDate } from '../../lib/format.ts';
import { CRITICALITY_LABELS, keysOf } from '../../lib/labels.ts';

const FILTERS = ['q', 'criticality', 'dpaSigned', 'ownerId'] as const;
export const CRITICALITY_TONES: Record<VendorView['criticality'], string> = {
  low: 'neutral',
  medium: 'info',
  high: 'warning',
  critical: 'danger',
};

export function VendorsPage() {
  const { api, canWrite, isStaff } = useSession();
  usePageTitle(isStaff ? 'Vendors' : 'Our vendor profile');
  const { owners } = useDirectory();
  const directory = useDirectory();
  const list = useListPage<VendorView>(FILTERS, (query, signal) => api.vendors.list(query, { signal }));
  const f = list.filters;
  return (
    <>
      <PageHeader
        title={isStaff ? 'Vendors' : 'Our vendor profile'}
        description={
          isStaff
            ? 'Outside providers that work on the organisation’s behalf: their data processing agreement, where they keep data and whom they pass it to.'
            : 'The record the organisation keeps about your company.'
        }
        actions={
          canWrite ? (
            <Link className="button" to="/vendors/new">
              Register a vendor
            </Link>
          ) : null
        }
      />
      {isStaff ? (
        <FilterBar onClear={list.clearFilters} active={Object.keys(f).length > 0}>
          <SearchBox
            label="Search name or contact"
            value={f['q'] ?? ''}
            onSearch={(q) => list.setFilter('q', q)}
          />
          <FilterSelect
            label="Criticality"
            name="criticality"
            value={f['criticality']}
            onChange={(v) => list.setFilter('criticality', v)}
            options={keysOf(CRITICALITY_LABELS).map((c) => ({ value: c, label: CRITICALITY_LABELS[c] }))}
          />
          <FilterSelect
            label="Data processing agreement"
            name="dpaSigned"
            value={f['dpaSigned']}
            onChange={(v) => list.setFilter('dpaSigned', v)}
            options={[
              { value: 'true', label: 'Signed' },
              { value: 'false', label: 'Not signed' },
            ]}
          />
          <FilterSelect
            label="Owner"
            name="ownerId"
            value={f['ownerId']}
            onChange={(v) => list.setFilter('ownerId', v)}
            options={owners.map((u) => ({ value: u.id, label: u.name }))}
          />
        </FilterBar>
      ) : null}
      <ListResults
        page={list.page}
        noun="vendors"
        cursors={list.cursors}
        onNext={list.next}
        onPrevious={list.previous}
        pending={directory.status === 'loading'}
        empty={
          Object.keys(f).length > 0 ? 'No vendor matches these filters.' : 'No vendors are registered yet.'
        }
      >
        {(items) => (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Vendors</caption>
              <thead>
                <tr>
                  <th scope="col">Legal name</th>
                  <th scope="col">Criticality</th>
                  <th scope="col">DPA</th>
                  <th scope="col">Data locations</th>
                  <th scope="col">Accountable owner</th>
                </tr>
              </thead>
              <tbody>
                {items.map((v) => (
                  <tr key={v.id}>
                    <td>
                      <Link to={`/vendors/${v.id}`} className="table__primary">
                        {v.legalName}
                      </Link>
                      <span className="table__secondary">{v.contactName}</span>
                    </td>
                    <td>
                      <Badge tone={CRITICALITY_TONES[v.criticality]}>
                        {CRITICALITY_LABELS[v.criticality]}
                      </Badge>
                    </td>
                    <td>
                      {v.dpaSigned ? (
                        `Signed ${formatDate(v.dpaSignedAt)}`
                      ) : (
                        <Badge tone="warning">Not signed</Badge>
                      )}
                    </td>
                    <td>{v.dataLocations.join(', ') || <span className="muted">Not stated</span>}</td>
                    <td>
                      <UserName id={v.ownerId} />
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
