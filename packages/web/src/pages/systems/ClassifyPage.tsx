// The EU AI Act classification wizard: one step per questionnaire section, questions shown or
// hidden by their showIf rule, the API's messages next to the question they name, and the
// resulting tier, reasons and obligations at the end.
import { useEffect, useRef, useState } from 'react';
import type { ClassificationView } from '../../api/client.ts';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { useAsync, usePageTitle } from '../../app/use-async.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { Card, ErrorNotice, Notice, PageHeader, Skeleton, TierBadge } from '../../components/ui.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { RISK_TIER_EXPLANATIONS } from '../../lib/labels.ts';
import {
  firstStepWithError,
  QUESTIONS,
  knownAnswers,
  SECTIONS,
  sectionProgress,
  setAnswer,
  toggleOption,
  visibleAnswers,
  visibleQuestions,
  type AiActAnswers,
  type AiActQuestion,
} from '../../lib/wizard.ts';

const RESULT_STEP = SECTIONS.length;

export default function ClassifyPage({ params }: { params: Record<string, string> }) {
  const id = params['id'] ?? '';
  const { api, canChange } = useSession();
  const data = useAsync(
    async (signal) => {
      const [system, classification] = await Promise.all([
        api.systems.get(id, { signal }),
        api.systems.classification(id, { signal }),
      ]);
      return { system, classification };
    },
    [api, id],
  );
  const [answers, setAnswers] = useState<AiActAnswers>({});
  const [step, setStep] = useState(0);
  const [result, setResult] = useState<ClassificationView>();
  const [justSaved, setJustSaved] = useState(false);
  const { busy, errors, message, run, setErrors } = useSubmit();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);
  const system = data.data?.system;
  const readOnly = !system || !canChange(system.ownerId) || system.status === 'retired';
  usePageTitle(system ? `Classify ${system.name}` : 'EU AI Act classification');

  // Start from the stored answers in the same render the data arrives in.
  const [filledFrom, setFilledFrom] = useState<unknown>();
  if (data.data && filledFrom !== data.data) {
    setFilledFrom(data.data);
    setAnswers(knownAnswers(data.data.classification.answers));
    if (data.data.classification.result) setResult(data.data.classification);
  }

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const update = (next: AiActAnswers) => {
    setAnswers(next);
    setJustSaved(false);
  };

  const submit = async () => {
    const saved = await run(() => api.systems.classify(id, visibleAnswers(answers)), 'answers');
    if (saved) {
      setResult(saved);
      setJustSaved(true);
      setStep(RESULT_STEP);
    }
  };

  // When the API names questions, go to the first step that shows one of them.
  useEffect(() => {
    const target = firstStepWithError(errors);
    if (target !== undefined) setStep(target);
  }, [errors]);

  if (data.status === 'error') return <ErrorNotice error={data.error} onRetry={data.reload} />;
  const section = SECTIONS[step];

  return (
    <>
      <PageHeader
        back={{ to: `/systems/${id}`, label: system?.name ?? 'AI system' }}
        eyebrow="EU AI Act (Regulation (EU) 2024/1689)"
        title={system ? `Classify ${system.name}` : 'EU AI Act classification'}
        description="Answer for the way your organisation uses the system (as a deployer). The risk tier and your duties follow from the answers; they are re-worked whenever the answers change."
      />
      {!system ? (
        <Skeleton lines={10} />
      ) : (
        <div className="wizard">
          <nav aria-label="Questionnaire steps" className="wizard__steps">
            <ol>
              {SECTIONS.map((s, i) => {
                const p = sectionProgress(s.id, answers);
                const hasError = visibleQuestions(s.id, answers).some((q) => errors[q.id] !== undefined);
                return (
                  <li key={s.id}>
                    <button
                      type="button"
                      className={`wizard__step${i === step ? ' is-current' : ''}${hasError ? ' has-error' : ''}`}
                      aria-current={i === step ? 'step' : undefined}
                      onClick={() => setStep(i)}
                    >
                      <span className="wizard__step-number" aria-hidden="true">
                        {i + 1}
                      </span>
                      <span className="wizard__step-text">
                        {s.title}
                        <span className="wizard__step-progress">
                          {p.answered} of {p.total} answered{hasError ? ' · needs attention' : ''}
                        </span>
                      </span>
                    </button>
                  </li>
                );
              })}
              <li>
                <button
                  type="button"
                  className={`wizard__step${step === RESULT_STEP ? ' is-current' : ''}`}
                  aria-current={step === RESULT_STEP ? 'step' : undefined}
                  onClick={() => setStep(RESULT_STEP)}
                >
                  <span className="wizard__step-number" aria-hidden="true">
                    {RESULT_STEP + 1}
                  </span>
                  <span className="wizard__step-text">
                    Result
                    <span className="wizard__step-progress">
                      {result?.result ? 'Tier and obligations' : 'Not classified yet'}
                    </span>
                  </span>
                </button>
              </li>
            </ol>
          </nav>

          <div className="wizard__body">
            {readOnly ? (
              <Notice tone="info">
                {system.status === 'retired'
                  ? 'This system is retired; its classification can no longer change.'
                  : 'You can read the answers; only the accountable owner or an admin can change them.'}
              </Notice>
            ) : null}
            {section ? (
              <form
                className="card"
                noValidate
                onSubmit={(e) => {
                  e.preventDefault();
                  if (step < SECTIONS.length - 1) setStep(step + 1);
                  else if (readOnly) setStep(RESULT_STEP);
                  else void submit();
                }}
              >
                <h2 ref={headingRef} tabIndex={-1} className="wizard__title">
                  <span className="muted">
                    Step {step + 1} of {SECTIONS.length}:{' '}
                  </span>
                  {section.title}
                </h2>
                <p className="muted">{section.description}</p>
                <WizardErrors errors={errors} message={message} step={step} answers={answers} />
                {visibleQuestions(section.id, answers).map((q) => (
                  <Question
                    key={q.id}
                    question={q}
                    answers={answers}
                    error={errors[q.id]}
                    disabled={readOnly}
                    onChange={(next) => {
                      update(next);
                      if (errors[q.id]) {
                        const rest = { ...errors };
                        delete rest[q.id];
                        setErrors(rest);
                      }
                    }}
                  />
                ))}
                <div className="form__actions wizard__actions">
                  {step > 0 ? (
                    <button
                      type="button"
                      className="button button--secondary"
                      onClick={() => setStep(step - 1)}
                    >
                      <span aria-hidden="true">‹ </span>Back
                    </button>
                  ) : null}
                  <button type="submit" className="button" disabled={busy}>
                    {step < SECTIONS.length - 1 ? (
                      <>
                        Next: {SECTIONS[step + 1]?.title}
                        <span aria-hidden="true"> ›</span>
                      </>
                    ) : readOnly ? (
                      'See the result'
                    ) : busy ? (
                      'Classifying…'
                    ) : (
                      'Classify and save'
                    )}
                  </button>
                </div>
              </form>
            ) : (
              <Card>
                <h2 ref={headingRef} tabIndex={-1} className="wizard__title">
                  Result
                </h2>
                {justSaved ? (
                  <Notice>Saved. The classification and its answers are recorded in the ledger.</Notice>
                ) : null}
                <ResultView result={result} />
                <div className="form__actions">
                  <button type="button" className="button button--secondary" onClick={() => setStep(0)}>
                    Review the answers
                  </button>
                  <Link className="button" to={`/systems/${id}`}>
                    Back to {system.name}
                  </Link>
                </div>
              </Card>
            )}
          </div>
        </div>
      )}
    </>
  );
}

/** What the API refused: questions on this step, on other steps, and anything naming no question. */
function WizardErrors({
  errors,
  message,
  step,
  answers,
}: {
  errors: Record<string, string>;
  message: string | undefined;
  step: number;
  answers: AiActAnswers;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const here = new Set(visibleQuestions(SECTIONS[step]?.id ?? 'context', answers).map((q) => q.id as string));
  const known = new Set(QUESTIONS.map((q) => q.id as string));
  const onThisStep = Object.keys(errors).filter((k) => here.has(k)).length;
  const elsewhere = Object.keys(errors).filter((k) => known.has(k) && !here.has(k)).length;
  const general = Object.entries(errors)
    .filter(([k]) => !known.has(k))
    .map(([k, m]) => (k ? `${k}: ${m}` : m));
  const visible = onThisStep + elsewhere + general.length > 0 || message !== undefined;
  const signature = `${message ?? ''}|${Object.keys(errors).join(',')}`;
  useEffect(() => {
    if (visible) ref.current?.focus();
  }, [visible, signature]);
  if (!visible) return null;
  return (
    <div ref={ref} className="alert alert--error" role="alert" tabIndex={-1}>
      <p className="alert__title">
        {onThisStep + elsewhere > 0
          ? 'The classification needs more answers.'
          : 'The classification was refused.'}
      </p>
      <ul>
        {onThisStep > 0 ? (
          <li>
            {onThisStep === 1
              ? 'One question on this step is marked below.'
              : `${onThisStep} questions on this step are marked below.`}
          </li>
        ) : null}
        {elsewhere > 0 ? (
          <li>
            {elsewhere === 1
              ? 'One question on another step needs attention'
              : `${elsewhere} questions on other steps need attention`}{' '}
            (see the step list).
          </li>
        ) : null}
        {message ? <li>{message}</li> : null}
        {general.map((g) => (
          <li key={g}>{g}</li>
        ))}
      </ul>
    </div>
  );
}

function Question({
  question,
  answers,
  error,
  disabled,
  onChange,
}: {
  question: AiActQuestion;
  answers: AiActAnswers;
  error: string | undefined;
  disabled: boolean;
  onChange: (next: AiActAnswers) => void;
}) {
  const value = answers[question.id];
  const name = `q-${question.id}`;
  const describedBy = `${name}-help${error ? ` ${name}-error` : ''}`;
  const options =
    question.kind === 'boolean'
      ? [
          { value: 'true', label: 'Yes' },
          { value: 'false', label: 'No' },
        ]
      : (question.options ?? []);
  return (
    <div className={`question${error ? ' question--invalid' : ''}`}>
      <fieldset
        className="question__fieldset"
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
      >
        <legend className="question__text">{question.text}</legend>
        <p id={`${name}-help`} className="question__help">
          {question.help}
        </p>
        {error ? (
          <p id={`${name}-error`} className="field__error">
            <span className="visually-hidden">Error: </span>
            {error}
          </p>
        ) : null}
        <div className={question.kind === 'boolean' ? 'choices choices--inline' : 'choices'}>
          {options.map((o) => {
            const id = `${name}-${o.value}`;
            if (question.kind === 'multi_choice') {
              const checked = Array.isArray(value) && value.includes(o.value);
              return (
                <div className="check" key={o.value}>
                  <input
                    id={id}
                    type="checkbox"
                    name={name}
                    value={o.value}
                    checked={checked}
                    disabled={disabled}
                    onChange={(e) => onChange(toggleOption(answers, question, o.value, e.target.checked))}
                  />
                  <label htmlFor={id}>{o.label}</label>
                </div>
              );
            }
            const checked = question.kind === 'boolean' ? value === (o.value === 'true') : value === o.value;
            return (
              <div className="check" key={o.value}>
                <input
                  id={id}
                  type="radio"
                  name={name}
                  value={o.value}
                  checked={checked}
                  disabled={disabled}
                  onChange={() =>
                    onChange(
                      setAnswer(
                        answers,
                        question.id,
                        question.kind === 'boolean' ? o.value === 'true' : o.value,
                      ),
                    )
                  }
                />
                <label htmlFor={id}>{o.label}</label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

function ResultView({ result }: { result: ClassificationView | undefined }) {
  const r = result?.result;
  if (!result || !r)
    return <p>Answer the questions and choose “Classify and save” to see the tier and your obligations.</p>;
  return (
    <div className="classification">
      <p className="classification__tier classification__tier--large">
        <TierBadge tier={r.tier} /> {RISK_TIER_EXPLANATIONS[r.tier]}
      </p>
      <p className="muted">
        Classified {formatDateTime(result.classifiedAt)} · questionnaire {r.questionnaireVersion}
      </p>
      <h3>Why this tier</h3>
      <ul>
        {r.reasons.map((reason) => (
          <li key={reason.questionId}>{reason.text}</li>
        ))}
      </ul>
      <h3>Your obligations as a deployer ({r.obligations.length})</h3>
      <ul className="obligations">
        {r.obligations.map((o) => (
          <li key={o.id}>
            <p>
              <span className="obligations__article">{o.article}</span> <strong>{o.title}</strong>
            </p>
            <p className="muted">{o.summary}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
