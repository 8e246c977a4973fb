// Vendors and AI systems for pickers and names, from the session's directory.
import { useDirectory } from './directory.tsx';

export function useVendors() {
  const d = useDirectory();
  return { items: d.vendors, byId: d.vendorsById, loading: d.status === 'loading' };
}

export function useSystems() {
  const d = useDirectory();
  return { items: d.systems, byId: d.systemsById, loading: d.status === 'loading' };
}
