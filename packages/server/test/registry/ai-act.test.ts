import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AI_ACT_QUESTIONNAIRE_VERSION,
  AI_ACT_QUESTIONS,
  AI_ACT_SECTIONS,
  AiActAnswersSchema,
} from '../../../contract/src/ai-act.ts';
import type { AiActAnswers, AiActClassification, AiActQuestion } from '../../../contract/src/ai-act.ts';
import {
  AI_ACT_OBLIGATIONS,
  AI_ACT_OBLIGATION_RULES,
  classifyAiAct,
  compareAiActObligations,
} from '../../src/modules/registry/ai-act.ts';
import type { AiActIssue } from '../../src/modules/registry/ai-act.ts';

/** Every always-visible question answered in the most harmless way. */
const BASE = {
  deployer_type: 'private',
  affects_eu_persons: true,
  decisions_about_persons: false,
  workplace_use: false,
  subliminal_manipulation: false,
  exploits_vulnerabilities: false,
  social_scoring: false,
  crime_prediction_profiling: false,
  facial_image_scraping: false,
  emotion_recognition_work_education: false,
  biometric_categorisation_sensitive: false,
  realtime_remote_biometric_id: false,
  annex_iii_use: false,
  interacts_with_people: false,
  generates_synthetic_content: false,
  emotion_recognition: false,
  biometric_categorisation: false,
} satisfies AiActAnswers;

const NO_DEROGATION = {
  derogation_narrow_procedural: false,
  derogation_improves_human_work: false,
  derogation_detects_patterns: false,
  derogation_preparatory: false,
} satisfies AiActAnswers;

function classify(answers: unknown): AiActClassification {
  const result = classifyAiAct(answers);
  if (!result.ok) assert.fail(`expected a classification, got issues: ${JSON.stringify(result.issues)}`);
  return result.value;
}

function issuesOf(answers: unknown): AiActIssue[] {
  const result = classifyAiAct(answers);
  if (result.ok) assert.fail(`expected issues, got tier ${result.value.tier}`);
  return result.issues;
}

function obligationIds(c: AiActClassification): string[] {
  return c.obligations.map((o) => o.id);
}

function reasonIds(c: AiActClassification): string[] {
  return c.reasons.map((r) => r.questionId);
}

test('marketing lead scoring outside Annex III is minimal risk', () => {
  const c = classify({ ...BASE, decisions_about_persons: true });
  assert.equal(c.tier, 'minimal');
  assert.equal(c.questionnaireVersion, AI_ACT_QUESTIONNAIRE_VERSION);
  assert.deepEqual(obligationIds(c), ['art4_ai_literacy', 'art95_voluntary_codes']);
  assert.deepEqual(reasonIds(c), ['annex_iii_use']);
  assert.deepEqual(
    c.obligations.map((o) => o.article),
    ['Art. 4', 'Art. 95'],
  );
});

test('marketing chatbot with generated ad copy is limited risk with Art. 50 duties', () => {
  const c = classify({
    ...BASE,
    interacts_with_people: true,
    generates_synthetic_content: true,
    deep_fake: false,
    public_interest_text: false,
  });
  assert.equal(c.tier, 'limited');
  assert.deepEqual(obligationIds(c), [
    'art4_ai_literacy',
    'art50_disclose_ai_interaction',
    'art50_keep_content_marking',
  ]);
  assert.deepEqual(reasonIds(c), ['interacts_with_people', 'generates_synthetic_content']);
});

test('deep fakes and public-interest text add the Art. 50(4) disclosures; editorial control removes the text one', () => {
  const answers = {
    ...BASE,
    generates_synthetic_content: true,
    deep_fake: true,
    public_interest_text: true,
    public_interest_text_editorial_control: false,
  };
  const c = classify(answers);
  assert.equal(c.tier, 'limited');
  assert.ok(obligationIds(c).includes('art50_disclose_deep_fake'));
  assert.ok(obligationIds(c).includes('art50_disclose_public_interest_text'));
  const reviewed = classify({ ...answers, public_interest_text_editorial_control: true });
  assert.ok(!obligationIds(reviewed).includes('art50_disclose_public_interest_text'));
  assert.ok(!reasonIds(reviewed).includes('public_interest_text'));
});

test('credit scoring of consumers for buy-now-pay-later offers is high risk with FRIA and right to explanation', () => {
  const c = classify({
    ...BASE,
    decisions_about_persons: true,
    annex_iii_use: true,
    annex_iii_areas: ['creditworthiness'],
    profiling: true,
  });
  assert.equal(c.tier, 'high');
  const ids = obligationIds(c);
  for (const id of [
    'art4_ai_literacy',
    'art26_use_per_instructions',
    'art26_human_oversight',
    'art26_input_data',
    'art26_monitor_and_report',
    'art26_keep_logs',
    'art26_inform_affected_persons',
    'art26_cooperate_authorities',
    'art27_fria',
    'art86_explanation',
  ]) {
    assert.ok(ids.includes(id), `missing ${id}`);
  }
  assert.ok(!ids.includes('art26_register_public_use'), 'private deployers do not register use');
  assert.ok(!ids.includes('art95_voluntary_codes'));
  assert.ok(!ids.some((id) => id.startsWith('art50_')), 'no transparency trigger was answered');
  assert.deepEqual(reasonIds(c), ['annex_iii_areas', 'profiling']);
  assert.match(c.reasons[0]?.text ?? '', /Credit/);
  const articles = c.obligations.map((o) => o.article);
  assert.ok(articles.includes('Art. 27') && articles.includes('Art. 86'));
});

test('recruitment CV screener used by the HR marketing team is high risk', () => {
  const c = classify({
    ...BASE,
    decisions_about_persons: true,
    workplace_use: true,
    annex_iii_use: true,
    annex_iii_areas: ['employment'],
    profiling: true,
  });
  assert.equal(c.tier, 'high');
  const ids = obligationIds(c);
  assert.ok(ids.includes('art26_inform_workers'));
  assert.ok(ids.includes('art86_explanation'));
  assert.ok(!ids.includes('art27_fria'), 'FRIA is not required for a private employer');
});

test('the same screener at a public body also requires a FRIA and registration of use', () => {
  const c = classify({
    ...BASE,
    deployer_type: 'public_body',
    decisions_about_persons: true,
    annex_iii_use: true,
    annex_iii_areas: ['employment'],
    profiling: true,
  });
  assert.ok(obligationIds(c).includes('art27_fria'));
  assert.ok(obligationIds(c).includes('art26_register_public_use'));
});

test('critical infrastructure alone triggers neither FRIA nor the right to explanation', () => {
  const c = classify({
    ...BASE,
    deployer_type: 'public_service_provider',
    decisions_about_persons: true,
    annex_iii_use: true,
    annex_iii_areas: ['critical_infrastructure'],
    profiling: false,
    ...NO_DEROGATION,
  });
  assert.equal(c.tier, 'high');
  assert.ok(!obligationIds(c).includes('art27_fria'));
  assert.ok(!obligationIds(c).includes('art86_explanation'));
});

test('Art. 6(3) derogation without profiling takes an Annex III use out of high risk', () => {
  const c = classify({
    ...BASE,
    annex_iii_use: true,
    annex_iii_areas: ['employment'],
    profiling: false,
    ...NO_DEROGATION,
    derogation_preparatory: true,
  });
  assert.equal(c.tier, 'minimal');
  assert.deepEqual(reasonIds(c), ['derogation_preparatory']);
  assert.deepEqual(obligationIds(c), ['art4_ai_literacy', 'art6_derogation_record', 'art95_voluntary_codes']);
});

test('Art. 6(3) derogation answers are ignored when the system profiles people', () => {
  const c = classify({
    ...BASE,
    annex_iii_use: true,
    annex_iii_areas: ['employment'],
    profiling: true,
    ...NO_DEROGATION,
    derogation_preparatory: true,
  });
  assert.equal(c.tier, 'high');
  assert.ok(!reasonIds(c).includes('derogation_preparatory'));
  assert.ok(!obligationIds(c).includes('art6_derogation_record'));
});

test('an Annex III use without profiling and without any derogation is high risk', () => {
  const c = classify({
    ...BASE,
    annex_iii_use: true,
    annex_iii_areas: ['education'],
    profiling: false,
    ...NO_DEROGATION,
  });
  assert.equal(c.tier, 'high');
});

test('derogated Annex III use with a chatbot is limited, not high', () => {
  const c = classify({
    ...BASE,
    interacts_with_people: true,
    annex_iii_use: true,
    annex_iii_areas: ['employment'],
    profiling: false,
    ...NO_DEROGATION,
    derogation_narrow_procedural: true,
  });
  assert.equal(c.tier, 'limited');
  assert.deepEqual(reasonIds(c), ['interacts_with_people', 'derogation_narrow_procedural']);
  assert.ok(obligationIds(c).includes('art6_derogation_record'));
});

test('high-risk systems that also trigger transparency carry the Art. 50 duties', () => {
  const c = classify({
    ...BASE,
    interacts_with_people: true,
    annex_iii_use: true,
    annex_iii_areas: ['employment'],
    profiling: true,
  });
  assert.equal(c.tier, 'high');
  assert.ok(obligationIds(c).includes('art50_disclose_ai_interaction'));
});

test('emotion recognition outside work and education is treated as high risk (Annex III point 1(c))', () => {
  const c = classify({ ...BASE, emotion_recognition: true });
  assert.equal(c.tier, 'high');
  assert.deepEqual(reasonIds(c), ['emotion_recognition']);
  assert.ok(obligationIds(c).includes('art50_inform_emotion_biometric'));
});

test('a subliminal manipulation system is prohibited and must not be used', () => {
  const c = classify({ ...BASE, subliminal_manipulation: true, interacts_with_people: true });
  assert.equal(c.tier, 'prohibited');
  assert.deepEqual(reasonIds(c), ['subliminal_manipulation']);
  assert.deepEqual(obligationIds(c), ['art5_cease_use']);
  assert.equal(c.obligations[0]?.article, 'Art. 5');
});

test('every prohibited practice on its own yields the prohibited tier', () => {
  const prohibited = AI_ACT_QUESTIONS.filter((q) => q.section === 'prohibited');
  assert.equal(prohibited.length, 8);
  for (const q of prohibited) {
    const c = classify({ ...BASE, [q.id]: true });
    assert.equal(c.tier, 'prohibited', q.id);
    assert.deepEqual(reasonIds(c), [q.id]);
    assert.match(c.reasons[0]?.text ?? '', /Art\. 5\(1\)\([a-h]\)/);
  }
});

test('missing answers give issues naming each visible question', () => {
  const issues = issuesOf({});
  const paths = issues.map((i) => i.path);
  const alwaysVisible = AI_ACT_QUESTIONS.filter((q) => q.showIf === undefined).map((q) => `answers.${q.id}`);
  assert.deepEqual(paths, alwaysVisible);
  assert.ok(paths.includes('answers.social_scoring'));
  assert.match(issues.find((i) => i.path === 'answers.social_scoring')?.message ?? '', /social_scoring/);

  const withoutOne = Object.fromEntries(Object.entries(BASE).filter(([id]) => id !== 'social_scoring'));
  assert.deepEqual(
    issuesOf(withoutOne).map((i) => i.path),
    ['answers.social_scoring'],
  );
});

test('follow-up questions become required once they are shown', () => {
  assert.deepEqual(
    issuesOf({ ...BASE, annex_iii_use: true }).map((i) => i.path),
    ['answers.annex_iii_areas', 'answers.profiling'],
  );
  assert.deepEqual(
    issuesOf({ ...BASE, annex_iii_use: true, annex_iii_areas: ['education'], profiling: false }).map(
      (i) => i.path,
    ),
    Object.keys(NO_DEROGATION).map((id) => `answers.${id}`),
  );
  assert.deepEqual(
    issuesOf({ ...BASE, generates_synthetic_content: true, public_interest_text: true }).map((i) => i.path),
    ['answers.deep_fake', 'answers.public_interest_text_editorial_control'],
  );
});

test('answers to hidden questions are ignored', () => {
  const c = classify({
    ...BASE,
    deep_fake: true,
    public_interest_text: true,
    annex_iii_areas: ['creditworthiness'],
    profiling: true,
  });
  assert.equal(c.tier, 'minimal');
  assert.deepEqual(obligationIds(c), ['art4_ai_literacy', 'art95_voluntary_codes']);
});

test('unknown question ids are rejected with a clear message', () => {
  const issues = issuesOf({ ...BASE, uses_blockchain: true });
  assert.equal(issues.length, 1);
  assert.equal(issues[0]?.path, 'answers.uses_blockchain');
  assert.match(issues[0]?.message ?? '', /Unknown question id "uses_blockchain"/);
});

test('wrongly typed answers are rejected', () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ social_scoring: 'no' }, 'answers.social_scoring', /true or false/],
    [{ social_scoring: null }, 'answers.social_scoring', /true or false/],
    [{ deployer_type: 'startup' }, 'answers.deployer_type', /"public_body"/],
    [{ deployer_type: true }, 'answers.deployer_type', /expects one of/],
    [{ annex_iii_use: true, annex_iii_areas: 'employment' }, 'answers.annex_iii_areas', /list/],
    [{ annex_iii_use: true, annex_iii_areas: ['marketing'] }, 'answers.annex_iii_areas', /unknown option/],
    [{ annex_iii_use: true, annex_iii_areas: [] }, 'answers.annex_iii_areas', /at least one/],
    [
      { annex_iii_use: true, annex_iii_areas: ['education', 'education'] },
      'answers.annex_iii_areas',
      /more than once/,
    ],
  ];
  for (const [patch, path, message] of cases) {
    const issues = issuesOf({ ...BASE, ...patch });
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.equal(issues[0]?.path, path);
    assert.match(issues[0]?.message ?? '', message);
  }
  for (const notAnObject of ['yes', 42, null, undefined, [true]]) {
    const issues = issuesOf(notAnObject);
    assert.equal(issues[0]?.path, 'answers');
  }
});

test('the answers schema returns a typed copy of valid answers', () => {
  const areas = ['education'];
  const parsed = AiActAnswersSchema.parse({ annex_iii_areas: areas, social_scoring: false });
  assert.deepEqual(parsed, { social_scoring: false, annex_iii_areas: ['education'] });
  assert.notEqual(parsed.annex_iii_areas, areas);
});

test('question ids are unique snake_case and showIf points at an earlier question with a possible value', () => {
  const ids = AI_ACT_QUESTIONS.map((q) => q.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate question id');
  const seen = new Map<string, AiActQuestion>();
  for (const q of AI_ACT_QUESTIONS) {
    assert.match(q.id, /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, q.id);
    assert.ok(q.text.length > 0 && q.help.length > 0, q.id);
    assert.equal(q.options !== undefined, q.kind !== 'boolean', `${q.id}: options iff choice`);
    if (q.options !== undefined) {
      const values = q.options.map((o) => o.value);
      assert.equal(new Set(values).size, values.length, `${q.id}: duplicate option`);
    }
    if (q.showIf !== undefined) {
      const parent = seen.get(q.showIf.questionId);
      assert.ok(parent, `${q.id}: showIf must reference an earlier question`);
      if (parent.kind === 'boolean') assert.equal(typeof q.showIf.equals, 'boolean', q.id);
      else
        assert.ok(
          parent.options?.some((o) => o.value === q.showIf?.equals),
          q.id,
        );
    }
    seen.set(q.id, q);
  }
  const sectionOrder = AI_ACT_SECTIONS.map((s) => s.id);
  const questionSections = AI_ACT_QUESTIONS.map((q) => sectionOrder.indexOf(q.section));
  assert.ok(!questionSections.includes(-1));
  assert.deepEqual(
    questionSections,
    [...questionSections].sort((a, b) => a - b),
    'questions grouped by section',
  );
  assert.match(AI_ACT_QUESTIONNAIRE_VERSION, /^2024-1689\/\d+$/);
});

test('every obligation id referenced by a rule exists and every catalogued obligation has one rule', () => {
  const catalogue = AI_ACT_OBLIGATIONS.map((o) => o.id);
  assert.equal(new Set(catalogue).size, catalogue.length);
  const referenced = AI_ACT_OBLIGATION_RULES.map((r) => r.obligationId);
  for (const id of referenced) assert.ok(catalogue.includes(id), `rule references unknown obligation ${id}`);
  assert.deepEqual([...referenced].sort(), [...catalogue].sort());
  for (const o of AI_ACT_OBLIGATIONS) assert.match(o.article, /^Art\. \d+(\(\d+\))?$/, o.id);
  assert.deepEqual([...AI_ACT_OBLIGATIONS].sort(compareAiActObligations), AI_ACT_OBLIGATIONS);
});

const arbitraryAnswer = (q: AiActQuestion): fc.Arbitrary<boolean | string | string[]> => {
  const values = (q.options ?? []).map((o) => o.value);
  if (q.kind === 'boolean') return fc.boolean();
  if (q.kind === 'choice') return fc.constantFrom(...values);
  return fc.subarray(values, { minLength: 1 });
};

const arbitraryAnswers = fc.record(
  Object.fromEntries(AI_ACT_QUESTIONS.map((q) => [q.id, arbitraryAnswer(q)])),
);

test('any complete answer set classifies deterministically with sorted, unique, catalogued obligations', () => {
  const catalogue = new Map(AI_ACT_OBLIGATIONS.map((o) => [o.id, o]));
  fc.assert(
    fc.property(arbitraryAnswers, (answers) => {
      const c = classify(answers);
      assert.deepEqual(classify(answers), c);
      const ids = obligationIds(c);
      assert.equal(new Set(ids).size, ids.length);
      assert.deepEqual([...c.obligations].sort(compareAiActObligations), c.obligations);
      for (const o of c.obligations) assert.deepEqual(o, catalogue.get(o.id));
      const anyProhibited = AI_ACT_QUESTIONS.some(
        (q) => q.section === 'prohibited' && answers[q.id] === true,
      );
      assert.equal(c.tier === 'prohibited', anyProhibited);
      assert.equal(ids.includes('art4_ai_literacy'), c.tier !== 'prohibited');
      assert.ok(c.tier === 'minimal' || c.reasons.length > 0, 'non-minimal tiers explain themselves');
      for (const r of c.reasons) assert.ok(AI_ACT_QUESTIONS.some((q) => q.id === r.questionId));
    }),
    { numRuns: 300, seed: 20241689 },
  );
});
