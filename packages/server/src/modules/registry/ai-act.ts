// Pure EU AI Act (Regulation (EU) 2024/1689) risk classifier for deployers; no I/O, deterministic output.
// Obligation texts are our own plain-language summaries, not quotations of the Regulation.
import {
  AI_ACT_QUESTIONNAIRE_VERSION,
  AI_ACT_QUESTIONS,
  AiActAnswersSchema,
  findAiActQuestion,
  isAiActQuestionVisible,
} from '../../../../contract/src/ai-act.ts';
import type {
  AiActAnswers,
  AiActClassification,
  AiActObligation,
  AiActQuestionId,
  AiActReason,
  AiActTier,
} from '../../../../contract/src/ai-act.ts';

/** A validation problem with a dotted path such as "answers.social_scoring". */
export type AiActIssue = { path: string; message: string };

/** Outcome of `classifyAiAct`: a classification, or the issues that prevented it. */
export type AiActClassifyResult =
  { ok: true; value: AiActClassification } | { ok: false; issues: AiActIssue[] };

const OBLIGATION_TEXTS = {
  art5_cease_use: {
    article: 'Art. 5',
    title: 'Do not use the system for the prohibited practice',
    summary:
      'The practice is banned in the EU (since 2 February 2025). Do not put the system into use for it, or stop ' +
      'using it now, and record the decision. Breaches carry the highest fines under the Act.',
  },
  art4_ai_literacy: {
    article: 'Art. 4',
    title: 'Ensure AI literacy',
    summary:
      'Take measures so that staff and others who operate or use the system on your behalf understand it well ' +
      'enough for their role, taking into account their experience, training and the context of use.',
  },
  art6_derogation_record: {
    article: 'Art. 6(3)',
    title: 'Keep evidence that the high-risk exception applies',
    summary:
      'The system is used in an Annex III area but is treated as not high-risk under the Art. 6(3) exception. Obtain ' +
      "the provider's documented assessment (Art. 6(4)), keep it with this record and reassess whenever the use changes.",
  },
  art26_use_per_instructions: {
    article: 'Art. 26(1)',
    title: "Use the system according to the provider's instructions",
    summary:
      'Put technical and organisational measures in place so the system is used as its instructions for use describe.',
  },
  art26_human_oversight: {
    article: 'Art. 26(2)',
    title: 'Assign competent human oversight',
    summary:
      'Give human oversight to people who have the competence, training and authority it needs, and support them.',
  },
  art26_input_data: {
    article: 'Art. 26(4)',
    title: 'Keep input data relevant and representative',
    summary:
      'Where you control the input data, make sure it is relevant and representative enough for the intended purpose.',
  },
  art26_monitor_and_report: {
    article: 'Art. 26(5)',
    title: 'Monitor the system and report risks and serious incidents',
    summary:
      'Monitor operation against the instructions for use. If the system may present a risk, inform the provider or ' +
      'distributor and the market surveillance authority and suspend use; report serious incidents to the provider ' +
      'and then the authorities without delay.',
  },
  art26_keep_logs: {
    article: 'Art. 26(6)',
    title: 'Keep automatically generated logs for at least six months',
    summary:
      'Keep the logs the system generates that are under your control for a period suited to its purpose and at ' +
      'least six months, unless other EU or national law (notably data protection law) requires otherwise.',
  },
  art26_inform_workers: {
    article: 'Art. 26(7)',
    title: "Inform workers' representatives and affected workers",
    summary:
      'Before putting the system into service or using it at the workplace, tell workers’ representatives and the ' +
      'workers concerned that they will be subject to it.',
  },
  art26_register_public_use: {
    article: 'Art. 26(8)',
    title: 'Check registration and register your use in the EU database',
    summary:
      'As a public authority, register your use of the system in the EU database (Art. 49) before using it, and do ' +
      'not use a system that is not registered there; tell the provider or distributor if it is missing.',
  },
  art26_dpia_input: {
    article: 'Art. 26(9)',
    title: "Use the provider's information for your data protection impact assessment",
    summary:
      'Where a data protection impact assessment is required (GDPR Art. 35), base it on the information the provider ' +
      'supplies under Art. 13.',
  },
  art26_inform_affected_persons: {
    article: 'Art. 26(11)',
    title: 'Inform people that a high-risk AI system is used on them',
    summary:
      'Tell the people about whom the system makes or helps make decisions that they are subject to a high-risk AI ' +
      'system.',
  },
  art26_cooperate_authorities: {
    article: 'Art. 26(12)',
    title: 'Cooperate with the competent authorities',
    summary: 'Cooperate with the relevant authorities on any action they take in relation to the system.',
  },
  art27_fria: {
    article: 'Art. 27',
    title: 'Carry out a fundamental rights impact assessment',
    summary:
      'Before first use, assess how and how often the system will be used, which groups of people it affects, the ' +
      'specific risks of harm to them, the human oversight in place and what you will do if risks materialise; ' +
      'notify the market surveillance authority of the results and update the assessment when things change.',
  },
  art50_disclose_ai_interaction: {
    article: 'Art. 50(1)',
    title: 'Tell people they are interacting with an AI system',
    summary:
      'Make sure people know they are dealing with AI, at the latest at their first interaction, unless it is ' +
      'obvious from the context. This is a provider duty: if you run the system under your own name you carry it; ' +
      'otherwise check that your provider has built it in.',
  },
  art50_keep_content_marking: {
    article: 'Art. 50(2)',
    title: 'Keep AI-generated content machine-detectable',
    summary:
      'Generated or altered audio, images, video and text must carry a machine-readable mark that it is ' +
      'AI-generated. Providers must add it; do not strip it, and if you built or offer the generator under your ' +
      'own name, implement the marking yourself.',
  },
  art50_inform_emotion_biometric: {
    article: 'Art. 50(3)',
    title: 'Inform people exposed to emotion recognition or biometric categorisation',
    summary:
      'Tell the people exposed to the system that it is operating, and process their personal data in line with the ' +
      'GDPR and other data protection law.',
  },
  art50_disclose_deep_fake: {
    article: 'Art. 50(4)',
    title: 'Disclose deep fakes',
    summary:
      'Clearly disclose that image, audio or video content was artificially generated or altered. For evidently ' +
      'artistic, satirical or fictional work, disclose it in a way that does not spoil the work.',
  },
  art50_disclose_public_interest_text: {
    article: 'Art. 50(4)',
    title: 'Disclose AI-generated text on matters of public interest',
    summary:
      'When publishing AI-generated or altered text to inform the public on matters of public interest, disclose ' +
      'that it was AI-generated, unless a person reviewed it and someone holds editorial responsibility.',
  },
  art86_explanation: {
    article: 'Art. 86',
    title: 'Explain individual decisions on request',
    summary:
      'People affected by a decision taken on the basis of the system’s output that has legal or similarly ' +
      'significant effects on them can ask for a clear and meaningful explanation of the role the system played and ' +
      'the main elements of the decision; be ready to give it.',
  },
  art95_voluntary_codes: {
    article: 'Art. 95',
    title: 'Consider voluntary codes of conduct',
    summary:
      'No specific duties apply beyond AI literacy. Consider adopting a voluntary code of conduct, for example ' +
      'applying parts of the high-risk requirements or commitments on fairness, sustainability and inclusion.',
  },
} as const satisfies Record<string, Omit<AiActObligation, 'id'>>;

/** Id of an obligation in the catalogue. */
export type AiActObligationId = keyof typeof OBLIGATION_TEXTS;

/** Returns a fresh copy of the catalogued obligation with this id. */
export function aiActObligation(id: AiActObligationId): AiActObligation {
  return { id, ...OBLIGATION_TEXTS[id] };
}

/** Catalogue of every obligation the classifier can return, in article order. */
export const AI_ACT_OBLIGATIONS: readonly AiActObligation[] = Object.entries(OBLIGATION_TEXTS)
  .map(([id, text]) => ({ id, ...text }))
  .sort(compareAiActObligations);

/** Facts derived from validated, visible answers that the tier and obligation rules are evaluated against. */
export type AiActFacts = {
  tier: AiActTier;
  areas: readonly string[];
  derogationApplies: boolean;
  deployerType: string | undefined;
  decisionsAboutPersons: boolean;
  workplaceUse: boolean;
  interactsWithPeople: boolean;
  generatesSyntheticContent: boolean;
  deepFake: boolean;
  publicInterestTextToDisclose: boolean;
  emotionOrBiometric: boolean;
};

const isHigh = (f: AiActFacts): boolean => f.tier === 'high';
const isHighOrLimited = (f: AiActFacts): boolean => f.tier === 'high' || f.tier === 'limited';
const hasAreaOtherThanInfrastructure = (f: AiActFacts): boolean =>
  f.areas.some((a) => a !== 'critical_infrastructure');
const isPublicDeployer = (f: AiActFacts): boolean =>
  f.deployerType === 'public_body' || f.deployerType === 'public_service_provider';

/** When each obligation applies; every obligation in the catalogue has exactly one rule. */
export const AI_ACT_OBLIGATION_RULES: readonly {
  obligationId: AiActObligationId;
  appliesWhen: (facts: AiActFacts) => boolean;
}[] = [
  { obligationId: 'art5_cease_use', appliesWhen: (f) => f.tier === 'prohibited' },
  { obligationId: 'art4_ai_literacy', appliesWhen: (f) => f.tier !== 'prohibited' },
  {
    obligationId: 'art6_derogation_record',
    appliesWhen: (f) => f.derogationApplies && (f.tier === 'limited' || f.tier === 'minimal'),
  },
  { obligationId: 'art26_use_per_instructions', appliesWhen: isHigh },
  { obligationId: 'art26_human_oversight', appliesWhen: isHigh },
  { obligationId: 'art26_input_data', appliesWhen: isHigh },
  { obligationId: 'art26_monitor_and_report', appliesWhen: isHigh },
  { obligationId: 'art26_keep_logs', appliesWhen: isHigh },
  {
    obligationId: 'art26_inform_workers',
    appliesWhen: (f) => isHigh(f) && (f.workplaceUse || f.areas.includes('employment')),
  },
  {
    obligationId: 'art26_register_public_use',
    appliesWhen: (f) => isHigh(f) && f.deployerType === 'public_body',
  },
  { obligationId: 'art26_dpia_input', appliesWhen: isHigh },
  { obligationId: 'art26_inform_affected_persons', appliesWhen: (f) => isHigh(f) && f.decisionsAboutPersons },
  { obligationId: 'art26_cooperate_authorities', appliesWhen: isHigh },
  {
    obligationId: 'art27_fria',
    appliesWhen: (f) =>
      isHigh(f) &&
      ((isPublicDeployer(f) && hasAreaOtherThanInfrastructure(f)) ||
        f.areas.includes('creditworthiness') ||
        f.areas.includes('life_health_insurance')),
  },
  {
    obligationId: 'art50_disclose_ai_interaction',
    appliesWhen: (f) => isHighOrLimited(f) && f.interactsWithPeople,
  },
  {
    obligationId: 'art50_keep_content_marking',
    appliesWhen: (f) => isHighOrLimited(f) && f.generatesSyntheticContent,
  },
  {
    obligationId: 'art50_inform_emotion_biometric',
    appliesWhen: (f) => isHighOrLimited(f) && f.emotionOrBiometric,
  },
  { obligationId: 'art50_disclose_deep_fake', appliesWhen: (f) => isHighOrLimited(f) && f.deepFake },
  {
    obligationId: 'art50_disclose_public_interest_text',
    appliesWhen: (f) => isHighOrLimited(f) && f.publicInterestTextToDisclose,
  },
  {
    obligationId: 'art86_explanation',
    appliesWhen: (f) => isHigh(f) && f.decisionsAboutPersons && hasAreaOtherThanInfrastructure(f),
  },
  { obligationId: 'art95_voluntary_codes', appliesWhen: (f) => f.tier === 'minimal' },
];

const PROHIBITED_REASONS: Partial<Record<AiActQuestionId, string>> = {
  subliminal_manipulation:
    'Uses subliminal, manipulative or deceptive techniques likely to cause significant harm (Art. 5(1)(a))',
  exploits_vulnerabilities:
    'Exploits vulnerabilities due to age, disability or social or economic situation, likely causing significant harm (Art. 5(1)(b))',
  social_scoring:
    'Performs social scoring leading to unjustified or unrelated detrimental treatment (Art. 5(1)(c))',
  crime_prediction_profiling:
    'Predicts criminal offending based solely on profiling or personality traits (Art. 5(1)(d))',
  facial_image_scraping:
    'Builds facial recognition databases by untargeted scraping of face images (Art. 5(1)(e))',
  emotion_recognition_work_education: 'Infers emotions of people at work or in education (Art. 5(1)(f))',
  biometric_categorisation_sensitive:
    'Infers sensitive characteristics through biometric categorisation (Art. 5(1)(g))',
  realtime_remote_biometric_id:
    'Real-time remote biometric identification in public spaces for law enforcement (Art. 5(1)(h))',
};

const DEROGATION_REASONS: Partial<Record<AiActQuestionId, string>> = {
  derogation_narrow_procedural: 'only performs a narrow procedural task (Art. 6(3)(a))',
  derogation_improves_human_work: 'only improves the result of completed human work (Art. 6(3)(b))',
  derogation_detects_patterns:
    'only detects decision patterns without replacing human assessment (Art. 6(3)(c))',
  derogation_preparatory: 'only performs a preparatory task for the assessment (Art. 6(3)(d))',
};

const TRANSPARENCY_REASONS: Partial<Record<AiActQuestionId, string>> = {
  interacts_with_people: 'Interacts directly with people (Art. 50(1))',
  generates_synthetic_content: 'Generates or alters audio, images, video or text (Art. 50(2))',
  deep_fake: 'Produces deep fakes (Art. 50(4))',
  public_interest_text:
    'Publishes AI-generated text on matters of public interest without editorial control (Art. 50(4))',
  emotion_recognition: 'Recognises emotions from biometric data (Art. 50(3))',
  biometric_categorisation: 'Categorises people based on biometric data (Art. 50(3))',
};

const PROHIBITED_IDS = AI_ACT_QUESTIONS.filter((q) => q.section === 'prohibited').map((q) => q.id);

function issuePath(path: readonly PropertyKey[]): string {
  return ['answers', ...path.map((p) => String(p))].join('.');
}

function missingAnswerIssues(answers: AiActAnswers): AiActIssue[] {
  return AI_ACT_QUESTIONS.filter(
    (q) => isAiActQuestionVisible(q, answers) && answers[q.id] === undefined,
  ).map((q) => ({ path: issuePath([q.id]), message: `Missing answer to question "${q.id}": ${q.text}` }));
}

function visibleOnly(answers: AiActAnswers): AiActAnswers {
  const visible: AiActAnswers = {};
  for (const q of AI_ACT_QUESTIONS) {
    const value = answers[q.id];
    if (value !== undefined && isAiActQuestionVisible(q, answers)) visible[q.id] = value;
  }
  return visible;
}

function trueIds(answers: AiActAnswers, ids: readonly AiActQuestionId[]): AiActQuestionId[] {
  return ids.filter((id) => answers[id] === true);
}

function reasonsFor(
  ids: readonly AiActQuestionId[],
  texts: Partial<Record<AiActQuestionId, string>>,
): AiActReason[] {
  return ids.map((id) => ({ questionId: id, text: texts[id] ?? findAiActQuestion(id)?.text ?? id }));
}

function selectedAreas(answers: AiActAnswers): string[] {
  const value = answers.annex_iii_areas;
  return Array.isArray(value) ? value : [];
}

function areaReasons(answers: AiActAnswers): AiActReason[] {
  const selected = selectedAreas(answers);
  const options = findAiActQuestion('annex_iii_areas')?.options ?? [];
  const reasons: AiActReason[] = options
    .filter((o) => selected.includes(o.value))
    .map((o) => ({
      questionId: 'annex_iii_areas',
      text: `Used in a high-risk area (Annex III): ${o.label}`,
    }));
  if (answers.emotion_recognition === true && !selected.includes('biometrics')) {
    reasons.push({
      questionId: 'emotion_recognition',
      text: 'Emotion recognition is a high-risk use (Annex III point 1(c))',
    });
  }
  return reasons;
}

function effectiveAreas(answers: AiActAnswers): string[] {
  const selected = selectedAreas(answers);
  const inferred =
    answers.emotion_recognition === true && !selected.includes('biometrics') ? ['biometrics'] : [];
  return [...selected, ...inferred];
}

function derogationIds(answers: AiActAnswers): AiActQuestionId[] {
  if (answers.profiling !== false) return [];
  return trueIds(answers, Object.keys(DEROGATION_REASONS).filter(isQuestionId));
}

function isQuestionId(id: string): id is AiActQuestionId {
  return findAiActQuestion(id) !== undefined;
}

function transparencyIds(answers: AiActAnswers): AiActQuestionId[] {
  const ids = trueIds(answers, Object.keys(TRANSPARENCY_REASONS).filter(isQuestionId));
  return answers.public_interest_text_editorial_control === true
    ? ids.filter((id) => id !== 'public_interest_text')
    : ids;
}

function derogationReasons(ids: readonly AiActQuestionId[]): AiActReason[] {
  return ids.map((id) => ({
    questionId: id,
    text: `Annex III use is not high-risk because the system ${DEROGATION_REASONS[id] ?? id}`,
  }));
}

function decideTier(answers: AiActAnswers): {
  tier: AiActTier;
  reasons: AiActReason[];
  derogationApplies: boolean;
} {
  const prohibited = trueIds(answers, PROHIBITED_IDS);
  if (prohibited.length > 0) {
    return {
      tier: 'prohibited',
      reasons: reasonsFor(prohibited, PROHIBITED_REASONS),
      derogationApplies: false,
    };
  }
  const areas = effectiveAreas(answers);
  const derogations = areas.length > 0 ? derogationIds(answers) : [];
  const derogationApplies = derogations.length > 0;
  if (areas.length > 0 && !derogationApplies) {
    const profiling: AiActReason[] =
      answers.profiling === true
        ? [{ questionId: 'profiling', text: 'Profiles individuals, so the Art. 6(3) exception cannot apply' }]
        : [];
    return { tier: 'high', reasons: [...areaReasons(answers), ...profiling], derogationApplies };
  }
  const transparency = transparencyIds(answers);
  if (transparency.length > 0) {
    const reasons = [...reasonsFor(transparency, TRANSPARENCY_REASONS), ...derogationReasons(derogations)];
    return { tier: 'limited', reasons, derogationApplies };
  }
  const notAnnex: AiActReason[] =
    answers.annex_iii_use === false
      ? [{ questionId: 'annex_iii_use', text: 'Not used in any Annex III high-risk area' }]
      : [];
  return { tier: 'minimal', reasons: [...notAnnex, ...derogationReasons(derogations)], derogationApplies };
}

function deriveFacts(answers: AiActAnswers): { facts: AiActFacts; reasons: AiActReason[] } {
  const { tier, reasons, derogationApplies } = decideTier(answers);
  const facts: AiActFacts = {
    tier,
    areas: effectiveAreas(answers),
    derogationApplies,
    deployerType: typeof answers.deployer_type === 'string' ? answers.deployer_type : undefined,
    decisionsAboutPersons: answers.decisions_about_persons === true,
    workplaceUse: answers.workplace_use === true,
    interactsWithPeople: answers.interacts_with_people === true,
    generatesSyntheticContent: answers.generates_synthetic_content === true,
    deepFake: answers.deep_fake === true,
    publicInterestTextToDisclose:
      answers.public_interest_text === true && answers.public_interest_text_editorial_control !== true,
    emotionOrBiometric: answers.emotion_recognition === true || answers.biometric_categorisation === true,
  };
  return { facts, reasons };
}

function articleKey(article: string): [number, number] {
  const match = /^Art\. (\d+)(?:\((\d+)\))?/.exec(article);
  return [Number(match?.[1] ?? Number.MAX_SAFE_INTEGER), Number(match?.[2] ?? 0)];
}

/** Orders obligations by article number, then paragraph, then id. */
export function compareAiActObligations(a: AiActObligation, b: AiActObligation): number {
  const [aArt, aPara] = articleKey(a.article);
  const [bArt, bPara] = articleKey(b.article);
  if (aArt !== bArt) return aArt - bArt;
  if (aPara !== bPara) return aPara - bPara;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function obligationsFor(facts: AiActFacts): AiActObligation[] {
  const ids = new Set(AI_ACT_OBLIGATION_RULES.filter((r) => r.appliesWhen(facts)).map((r) => r.obligationId));
  return [...ids].map(aiActObligation).sort(compareAiActObligations);
}

/** Validates questionnaire answers and classifies the AI system into an AI Act risk tier with the deployer's obligations. */
export function classifyAiAct(answers: unknown): AiActClassifyResult {
  const parsed = AiActAnswersSchema.safeParse(answers);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })),
    };
  }
  const missing = missingAnswerIssues(parsed.data);
  if (missing.length > 0) return { ok: false, issues: missing };
  const { facts, reasons } = deriveFacts(visibleOnly(parsed.data));
  return {
    ok: true,
    value: {
      questionnaireVersion: AI_ACT_QUESTIONNAIRE_VERSION,
      tier: facts.tier,
      reasons,
      obligations: obligationsFor(facts),
    },
  };
}
