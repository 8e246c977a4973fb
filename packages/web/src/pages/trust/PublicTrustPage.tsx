// The public trust portal for customers: no login, only what the organisation made public.
import type { PublicTrustView } from '@oversight/contract';
import { useEffect, useMemo } from 'react';
import { createApiClient } from '../../api/client.ts';
import { ApiError, describeError } from '../../api/errors.ts';
import { useAsync } from '../../app/use-async.ts';
import { RISK_TIER_FOR_CUSTOMERS, RISK_TIER_LABELS, SYSTEM_KIND_LABELS } from '../../lib/labels.ts';

// General advice shown when the organisation has written none of its own.
const GENERAL_ADVICE = [
  {
    title: 'Share only what a service needs',
    detail:
      'Leave optional fields empty and say no to data collection you do not need. You can withdraw consent later as easily as you gave it.',
  },
  {
    title: 'Use your browser’s privacy signals',
    detail:
      'Turning on Global Privacy Control in your browser tells websites that you object to the sale or sharing of your data.',
  },
  {
    title: 'Ask what is held about you',
    detail:
      'You may ask for a copy of your personal data and for wrong data to be corrected or deleted. The contact below handles such requests free of charge.',
  },
  {
    title: 'Watch out for phishing',
    detail:
      'We never ask for your password by e-mail or phone. If a message seems to come from us but asks for secrets or payment, do not reply; report it to us.',
  },
];

const RIGHTS = [
  ['Access', 'Get a copy of the personal data held about you and learn how it is used (GDPR Art. 15).'],
  [
    'Correction and erasure',
    'Have wrong data corrected, and data deleted when there is no longer a reason to keep it (GDPR Arts. 16–17).',
  ],
  [
    'Objection',
    'Object to the use of your data for direct marketing at any time, and to profiling for it (GDPR Art. 21).',
  ],
  [
    'Human review of automated decisions',
    'Where a decision about you is made solely by automated means and significantly affects you, ask for a person to review it, give your view and contest it (GDPR Art. 22).',
  ],
  [
    'An explanation',
    'Where a high-risk AI system helped make a decision that affects you, ask for a clear explanation of its role in the decision (EU AI Act Art. 86).',
  ],
] as const;

export default function PublicTrustPage({ slug }: { slug: string }) {
  const api = useMemo(() => createApiClient(), []);
  const page = useAsync((signal) => api.trust.public(slug, { signal }), [api, slug]);
  const data = page.data;

  useEffect(() => {
    document.title = data ? `Trust & privacy · ${data.organization.name}` : 'Trust & privacy';
  }, [data]);

  return (
    <div className="portal">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="portal__header">
        <div className="portal__inner">
          <p className="portal__org">
            {data?.organization.name ?? '\u00a0'}
            {data?.organization.demo ? (
              <span className="badge badge--demo" title="Demonstration content — not a real organisation">
                DEMO
              </span>
            ) : null}
          </p>
          <p className="portal__kicker">Trust &amp; privacy</p>
        </div>
      </header>
      <main id="main" className="portal__inner portal__main" tabIndex={-1}>
        {page.status === 'error' ? (
          <NotPublished error={page.error} />
        ) : !data ? (
          <div className="portal-loading" aria-busy="true">
            <h1>Trust &amp; privacy</h1>
            <p role="status">Loading…</p>
          </div>
        ) : (
          <PortalContent data={data} />
        )}
      </main>
      <footer className="portal__footer">
        <div className="portal__inner">
          <p>
            Accountability records kept with <strong>Oversight</strong>: every AI system and provider has a
            named, accountable person, and changes are written to a tamper-evident log.
          </p>
        </div>
      </footer>
    </div>
  );
}

function NotPublished({ error }: { error: unknown }) {
  const missing = error instanceof ApiError && error.code === 'NOT_FOUND';
  return (
    <>
      <h1>{missing ? 'No trust page here' : 'The trust page could not be loaded'}</h1>
      <p>
        {missing ? 'This organisation has not published a trust page at this address.' : describeError(error)}
      </p>
    </>
  );
}

function PortalContent({ data }: { data: PublicTrustView }) {
  const { content, systems, vendors, organization } = data;
  const deciding = systems.filter((s) => s.decidesAboutCustomers);
  const other = systems.filter((s) => !s.decidesAboutCustomers);
  const advice = content.customerAdvice.length > 0 ? content.customerAdvice : GENERAL_ADVICE;
  const r = content.recourse;
  const sections = [
    ['data', 'Data we collect'],
    ['ai', 'AI and decisions about you'],
    ['providers', 'Companies working for us'],
    ['protection', 'How we protect your data'],
    ['advice', 'Protecting your own data'],
    ['rights', 'Your rights and recourse'],
  ] as const;
  return (
    <>
      <h1>How {organization.name} handles your data and uses AI</h1>
      <p className="portal__intro">
        {content.intro ||
          `This page explains which data ${organization.name} collects and why, where AI is used in decisions about you, how your data is protected, and what you can do if something goes wrong.`}
      </p>
      <nav aria-label="On this page" className="portal__toc">
        <ul>
          {sections.map(([id, title]) => (
            <li key={id}>
              <a href={`#${id}`}>{title}</a>
            </li>
          ))}
        </ul>
      </nav>

      <section id="data" aria-labelledby="data-h" className="portal__section">
        <h2 id="data-h">What data we collect and why</h2>
        {content.dataCollected.length === 0 ? (
          <p>No data categories have been listed yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">
                Categories of personal data, their purpose, lawful basis and retention
              </caption>
              <thead>
                <tr>
                  <th scope="col">Data</th>
                  <th scope="col">Why we collect it</th>
                  <th scope="col">Lawful basis</th>
                  <th scope="col">How long we keep it</th>
                </tr>
              </thead>
              <tbody>
                {content.dataCollected.map((d, i) => (
                  <tr key={i}>
                    <th scope="row">{d.category}</th>
                    <td>{d.purpose}</td>
                    <td>{d.lawfulBasis}</td>
                    <td>{d.retention}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section id="ai" aria-labelledby="ai-h" className="portal__section">
        <h2 id="ai-h">AI systems that make decisions about customers</h2>
        {deciding.length === 0 ? (
          <p>No AI system we list makes or supports decisions about individual customers.</p>
        ) : (
          <ul className="portal__cards">
            {deciding.map((s, i) => (
              <SystemCard key={i} system={s} />
            ))}
          </ul>
        )}
        {other.length > 0 ? (
          <>
            <h3>Other AI systems we use</h3>
            <ul className="portal__cards">
              {other.map((s, i) => (
                <SystemCard key={i} system={s} />
              ))}
            </ul>
          </>
        ) : null}
        <p className="muted">
          Risk levels follow the EU AI Act. Each system has a named person at {organization.name} who is
          accountable for it.
        </p>
      </section>

      <section id="providers" aria-labelledby="providers-h" className="portal__section">
        <h2 id="providers-h">Companies that take part</h2>
        {vendors.length === 0 ? (
          <p>No outside providers are listed.</p>
        ) : (
          <ul className="portal__cards">
            {vendors.map((v, i) => (
              <li key={i} className="portal__card">
                <h3>{v.legalName}</h3>
                <p>
                  <strong>Where your data is kept:</strong> {v.dataLocations.join(', ') || 'not stated'}
                </p>
                {v.subProcessors.length > 0 ? (
                  <>
                    <p>
                      <strong>Passes data to:</strong>
                    </p>
                    <ul>
                      {v.subProcessors.map((p, j) => (
                        <li key={j}>
                          {p.name} ({p.location}){p.purpose ? ` — ${p.purpose}` : ''}
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section id="protection" aria-labelledby="protection-h" className="portal__section">
        <h2 id="protection-h">How we protect your data</h2>
        {content.protections.length === 0 ? (
          <p>No protections have been described yet.</p>
        ) : (
          <dl className="portal__list">
            {content.protections.map((p, i) => (
              <div key={i}>
                <dt>{p.title}</dt>
                <dd>{p.detail}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>

      <section id="advice" aria-labelledby="advice-h" className="portal__section">
        <h2 id="advice-h">Protecting your own data</h2>
        <dl className="portal__list">
          {advice.map((a, i) => (
            <div key={i}>
              <dt>{a.title}</dt>
              <dd>{a.detail}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section id="rights" aria-labelledby="rights-h" className="portal__section">
        <h2 id="rights-h">Your rights and how to seek recourse</h2>
        <dl className="portal__list">
          {RIGHTS.map(([t, d]) => (
            <div key={t}>
              <dt>{t}</dt>
              <dd>{d}</dd>
            </div>
          ))}
        </dl>
        {r.steps.length > 0 ? (
          <>
            <h3>What to do</h3>
            <ol className="portal__steps">
              {r.steps.map((s, i) => (
                <li key={i}>{s}</li>
              ))}
            </ol>
          </>
        ) : null}
        <div className="portal__contact">
          <h3>Contact</h3>
          {r.contactEmail ? (
            <p>
              Privacy requests and complaints: <a href={`mailto:${r.contactEmail}`}>{r.contactEmail}</a>
            </p>
          ) : null}
          {r.dpoName ? <p>Data protection officer: {r.dpoName}</p> : null}
          {r.supervisoryAuthority ? (
            <p>
              If you are not satisfied with our answer, you can complain to{' '}
              {r.supervisoryAuthorityUrl ? (
                <a href={r.supervisoryAuthorityUrl} rel="noopener noreferrer">
                  {r.supervisoryAuthority}
                </a>
              ) : (
                r.supervisoryAuthority
              )}
              .
            </p>
          ) : (
            <p>
              You can also complain to the data protection authority of the country where you live or work.
            </p>
          )}
        </div>
      </section>
    </>
  );
}

function SystemCard({ system }: { system: PublicTrustView['systems'][number] }) {
  return (
    <li className="portal__card">
      <h3>{system.name}</h3>
      {system.purpose ? <p>{system.purpose}</p> : null}
      <p className="muted">
        {SYSTEM_KIND_LABELS[system.kind]}
        {system.status === 'live'
          ? ' · in use'
          : system.status === 'retired'
            ? ' · no longer used'
            : ' · being prepared'}
      </p>
      <p>
        <strong>Risk level:</strong>{' '}
        {system.riskTier
          ? `${RISK_TIER_LABELS[system.riskTier]} — ${RISK_TIER_FOR_CUSTOMERS[system.riskTier]}`
          : 'assessment in progress'}
      </p>
    </li>
  );
}
