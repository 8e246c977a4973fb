import { usePageTitle } from '../app/use-async.ts';
import { Link } from '../app/router.tsx';
import { PageHeader } from '../components/ui.tsx';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <>
      <PageHeader title="Page not found" description="There is no page at this address." />
      <p>
        <Link to="/">Go to the overview</Link>
      </p>
    </>
  );
}

export function NotAllowedPage() {
  usePageTitle('Not available');
  return (
    <>
      <PageHeader
        title="Not available for your role"
        description="Your role does not include this part of Oversight."
      />
      <p>
        <Link to="/">Go to the overview</Link>
      </p>
    </>
  );
}
