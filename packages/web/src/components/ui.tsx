// Small presentational pieces shared by the pages.
import type { ReactNode } from 'react';
import type { SystemView } from '@oversight/contract';
import { describeError } from '../api/errors.ts';
import { ApiError } from '../api/errors.ts';
import { Link } from '../app/router.tsx';
import { RISK_TIER_LABELS, SYSTEM_STATUS_LABELS } from '../lib/labels.ts';

export function PageHeader({
  title,
  eyebrow,
  description,
  actions,
  back,
}: {
  title: ReactNode;
  eyebrow?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  back?: { to: string; label: string };
}) {
  return (
    <div className="page-header">
      {back ? (
        <p className="page-header__back">
          <Link to={back.to}>
            <span aria-hidden="true">← </span>
            {back.label}
          </Link>
        </p>
      ) : null}
      <div className="page-header__row">
        <div className="page-header__text">
          {eyebrow ? <p className="page-header__eyebrow">{eyebrow}</p> : null}
          <h1 tabIndex={-1}>{title}</h1>
          {description ? <p className="page-header__description">{description}</p> : null}
        </div>
        {actions ? <div className="page-header__actions">{actions}</div> : null}
      </div>
    </div>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: string; children: ReactNode }) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}

export function StatusBadge({ status }: { status: SystemView['status'] }) {
  const tone = { proposed: 'info', approved: 'accent', live: 'success', retired: 'neutral' }[status];
  return <Badge tone={tone}>{SYSTEM_STATUS_LABELS[status]}</Badge>;
}

export function TierBadge({ tier }: { tier: SystemView['riskTier'] }) {
  if (tier === null) return <Badge tone="warning">Unclassified</Badge>;
  const tone = {
    prohibited: 'danger',
    high: 'danger-soft',
    limited: 'warning-soft',
    minimal: 'success-soft',
  }[tier];
  return <Badge tone={tone}>{RISK_TIER_LABELS[tier]}</Badge>;
}

/** Placeholder lines that reserve roughly the space of the content they stand for. */
export function Skeleton({ lines = 3, label = 'Loading…' }: { lines?: number; label?: string }) {
  return (
    <div className="skeleton" role="status" aria-live="polite">
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} className="skeleton__line" aria-hidden="true" />
      ))}
    </div>
  );
}

export function ErrorNotice({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  const notFound = error instanceof ApiError && error.code === 'NOT_FOUND';
  return (
    <div className="alert alert--error" role="alert">
      <p className="alert__title">{title ?? (notFound ? 'Not found' : 'Could not load this')}</p>
      <p>{describeError(error)}</p>
      {onRetry && !notFound ? (
        <button type="button" className="button button--small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <p>{children}</p>
      {action}
    </div>
  );
}

export function Notice({
  tone = 'success',
  children,
}: {
  tone?: 'success' | 'info' | 'warning';
  children: ReactNode;
}) {
  return (
    <div className={`alert alert--${tone}`} role="status">
      {children}
    </div>
  );
}

export function Card({
  title,
  actions,
  children,
  className,
  headingLevel = 2,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  headingLevel?: 2 | 3;
}) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className={`card${className ? ` ${className}` : ''}`}>
      {title || actions ? (
        <div className="card__header">
          {title ? <H className="card__title">{title}</H> : null}
          {actions ? <div className="card__actions">{actions}</div> : null}
        </div>
      ) : null}
      {children}
    </section>
  );
}

/** A description list of label/value pairs. */
export function Details({ items }: { items: [ReactNode, ReactNode][] }) {
  return (
    <dl className="details">
      {items.map(([k, v], i) => (
        <div className="details__row" key={i}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Mono({ children }: { children: ReactNode }) {
  return <code className="mono">{children}</code>;
}
