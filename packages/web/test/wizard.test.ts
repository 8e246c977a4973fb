import assert from 'node:assert/strict';
import { describe, test } from './support.ts';
import {
  firstStepWithError,
  knownAnswers,
  QUESTIONS,
  SECTIONS,
  sectionProgress,
  setAnswer,
  toggleOption,
  visibleAnswers,
  visibleQuestions,
} from '../src/lib/wizard.ts';

const ids = (qs: { id: string }[]) => qs.map((q) => q.id);

describe('classification wizard', () => {
  test('every section shows its unconditional questions first', () => {
    for (const s of SECTIONS) {
      const always = QUESTIONS.filter((q) => q.section === s.id && q.showIf === undefined).map((q) => q.id);
      assert.deepEqual(ids(visibleQuestions(s.id, {})), always);
    }
  });

  test('showIf opens Annex III follow-ups and the derogations only after profiling = false', () => {
    assert.ok(!ids(visibleQuestions('high_risk', {})).includes('annex_iii_areas'));
    let a = setAnswer({}, 'annex_iii_use', true);
    assert.deepEqual(ids(visibleQuestions('high_risk', a)), [
      'annex_iii_use',
      'annex_iii_areas',
      'profiling',
    ]);
    a = setAnswer(a, 'profiling', false);
    assert.ok(ids(visibleQuestions('high_risk', a)).includes('derogation_narrow_procedural'));
    a = setAnswer(a, 'profiling', true);
    assert.ok(!ids(visibleQuestions('high_risk', a)).includes('derogation_narrow_procedural'));
  });

  test('a question is hidden when its parent is hidden, even if the parent has an answer', () => {
    let a = setAnswer({}, 'annex_iii_use', true);
    a = setAnswer(a, 'profiling', false);
    a = setAnswer(a, 'annex_iii_use', false);
    assert.deepEqual(ids(visibleQuestions('high_risk', a)), ['annex_iii_use']);
    assert.equal(visibleAnswers(a)['profiling'], undefined);
    // Nested: public_interest_text_editorial_control needs public_interest_text, which needs synthetic content.
    let t = setAnswer({}, 'generates_synthetic_content', true);
    t = setAnswer(t, 'public_interest_text', true);
    assert.ok(ids(visibleQuestions('transparency', t)).includes('public_interest_text_editorial_control'));
    t = setAnswer(t, 'generates_synthetic_content', false);
    assert.ok(!ids(visibleQuestions('transparency', t)).includes('public_interest_text_editorial_control'));
  });

  test('multi-choice toggling keeps option order and removes an empty answer', () => {
    const q = QUESTIONS.find((x) => x.id === 'annex_iii_areas')!;
    let a = toggleOption({}, q, 'migration', true);
    a = toggleOption(a, q, 'biometrics', true);
    assert.deepEqual(a['annex_iii_areas'], ['biometrics', 'migration']);
    a = toggleOption(a, q, 'biometrics', false);
    a = toggleOption(a, q, 'migration', false);
    assert.equal('annex_iii_areas' in a, false);
  });

  test('progress counts visible answered questions', () => {
    const a = setAnswer(setAnswer({}, 'deployer_type', 'private'), 'workplace_use', false);
    assert.deepEqual(sectionProgress('context', a), { answered: 2, total: 4 });
  });

  test('finds the step of the first question the API names', () => {
    assert.equal(
      firstStepWithError({ social_scoring: 'Missing' }),
      SECTIONS.findIndex((s) => s.id === 'prohibited'),
    );
    assert.equal(firstStepWithError({ deep_fake: 'x', workplace_use: 'y' }), 0);
    assert.equal(firstStepWithError({ '': 'general' }), undefined);
  });

  test('stored answers keep only known questions and well-typed values', () => {
    assert.deepEqual(knownAnswers({ deployer_type: 'private', nope: true, annex_iii_areas: ['x', 1] }), {
      deployer_type: 'private',
    });
    assert.deepEqual(knownAnswers(null), {});
  });
});
