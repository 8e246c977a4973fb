// Names of the organisation's people, AI systems, vendors and engagements, loaded once per
// session (first pages only) so ids can be shown as names everywhere and pickers can offer them.
// Owner pickers list the people who may be accountable: active admins and owners.
import type { EngagementView, SystemView, UserView, VendorView } from '@oversight/contract';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ApiClient } from '../api/client.ts';
import { useSession } from './session.tsx';

type Lists = {
  users: UserView[];
  systems: SystemView[];
  vendors: VendorView[];
  engagements: EngagementView[];
};

type Directory = Lists & {
  status: 'loading' | 'ok' | 'error';
  byId: ReadonlyMap<string, UserView>;
  systemsById: ReadonlyMap<string, SystemView>;
  vendorsById: ReadonlyMap<string, VendorView>;
  engagementsById: ReadonlyMap<string, EngagementView>;
  /** Active admins and owners: the people the API accepts as accountable owners. */
  owners: UserView[];
  refresh: () => void;
};

const DirectoryContext = createContext<Directory | null>(null);
const EMPTY: Lists = { users: [], systems: [], vendors: [], engagements: [] };

async function allUsers(api: ApiClient, signal: AbortSignal): Promise<UserView[]> {
  const all: UserView[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await api.users.list({ limit: 200, cursor }, { signal });
    all.push(...page.items);
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return all;
}

export function DirectoryProvider({ children }: { children: ReactNode }) {
  const { api, isStaff } = useSession();
  const [lists, setLists] = useState<Lists>(EMPTY);
  const [status, setStatus] = useState<Directory['status']>('loading');
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const o = { signal: controller.signal };
    Promise.all([
      // Vendor users may not list people; their pages say "in-house owner" instead of a name.
      isStaff ? allUsers(api, controller.signal) : Promise.resolve([]),
      api.systems.list({ limit: 200 }, o),
      api.vendors.list({ limit: 200 }, o),
      api.engagements.list({ limit: 200 }, o),
    ]).then(
      ([users, systems, vendors, engagements]) => {
        setLists({ users, systems: systems.items, vendors: vendors.items, engagements: engagements.items });
        setStatus('ok');
      },
      () => {
        if (!controller.signal.aborted) setStatus('error');
      },
    );
    return () => controller.abort();
  }, [api, isStaff, version]);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const value = useMemo<Directory>(() => {
    const owners = lists.users
      .filter((u) => u.status === 'active' && (u.role === 'admin' || u.role === 'owner'))
      .sort((a, b) => a.name.localeCompare(b.name));
    return {
      ...lists,
      status,
      byId: new Map(lists.users.map((u) => [u.id, u])),
      systemsById: new Map(lists.systems.map((s) => [s.id, s])),
      vendorsById: new Map(lists.vendors.map((v) => [v.id, v])),
      engagementsById: new Map(lists.engagements.map((e) => [e.id, e])),
      owners,
      refresh,
    };
  }, [lists, status, refresh]);
  return <DirectoryContext value={value}>{children}</DirectoryContext>;
}

export function useDirectory(): Directory {
  const d = useContext(DirectoryContext);
  if (!d) throw new Error('useDirectory outside DirectoryProvider');
  return d;
}
