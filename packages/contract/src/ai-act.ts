// EU AI Act (Regulation (EU) 2024/1689) risk questionnaire for deployers, as data shared by server and web.
// All wording is our own plain-language paraphrase of the Regulation, not a quotation of it.
import { z } from 'zod';

/** Version of the questionnaire; stored with every classification so old results stay interpretable. */
export const AI_ACT_QUESTIONNAIRE_VERSION = '2024-1689/1';

/** Section (step) of the questionnaire a question belongs to. */
export type AiActSection = 'context' | 'prohibited' | 'high_risk' | 'transparency';

/** How a question is answered: true/false, one option value, or one or more option values. */
export type AiActQuestionKind = 'boolean' | 'choice' | 'multi_choice';

/** One selectable option of a choice or multi-choice question. */
export type AiActOption = { readonly value: string; readonly label: string };

/** Shape of a question, generic over the id type so the data can be checked before the id union exists. */
export type AiActQuestionShape<Id extends string = string> = {
  readonly id: Id;
  readonly section: AiActSection;
  readonly text: string;
  readonly help: string;
  readonly kind: AiActQuestionKind;
  readonly options?: readonly AiActOption[];
  /** Shown only when the answer to `questionId` equals `equals` (for multi-choice answers: includes it) and that question is itself shown. */
  readonly showIf?: { readonly questionId: Id; readonly equals: boolean | string };
};

/** The steps of the guided questionnaire, in the order they are presented. */
export const AI_ACT_SECTIONS: readonly {
  readonly id: AiActSection;
  readonly title: string;
  readonly description: string;
}[] = [
  {
    id: 'context',
    title: 'Context of use',
    description: 'Who deploys the system and whom it affects.',
  },
  {
    id: 'prohibited',
    title: 'Prohibited practices (Art. 5)',
    description: 'Uses of AI that are banned outright in the EU since 2 February 2025.',
  },
  {
    id: 'high_risk',
    title: 'High-risk uses (Art. 6 and Annex III)',
    description: 'Areas where AI use is allowed but comes with strict duties for deployers.',
  },
  {
    id: 'transparency',
    title: 'Transparency (Art. 50)',
    description: 'Uses where people must be told that AI is involved.',
  },
];

const DEROGATION_NOTE =
  'The Art. 6(3) exception only holds if the system poses no significant risk of harm to health, safety or ' +
  'fundamental rights and does not materially influence decisions; the provider must document that assessment ' +
  '(Art. 6(4)), so ask for it.';

const QUESTION_DATA = [
  // --- Context -------------------------------------------------------------------------------------------
  {
    id: 'deployer_type',
    section: 'context',
    text: 'What kind of organisation is deploying the system?',
    help:
      'Public authorities, bodies governed by public law and private organisations providing public services ' +
      '(for example education, healthcare, social services or housing on behalf of the state) have extra duties ' +
      'when they use high-risk systems, such as a fundamental rights impact assessment.',
    kind: 'choice',
    options: [
      { value: 'public_body', label: 'Public authority or body governed by public law' },
      { value: 'public_service_provider', label: 'Private organisation providing public services' },
      { value: 'private', label: 'Other private organisation' },
    ],
  },
  {
    id: 'affects_eu_persons',
    section: 'context',
    text: 'Is the system used in the EU, or are its outputs used in the EU or about people in the EU?',
    help:
      'The Act covers deployers established in the EU and deployers elsewhere whose system outputs are used in ' +
      'the EU. Oversight classifies the system either way; if the answer is no, the Act may not apply to this use.',
    kind: 'boolean',
  },
  {
    id: 'decisions_about_persons',
    section: 'context',
    text: 'Does the system make, or help a person make, decisions about individual people?',
    help:
      'For example approving or rejecting an application, setting an individual price or credit limit, ' +
      'shortlisting candidates or assigning work. Aggregate analytics that never single out a person do not count.',
    kind: 'boolean',
  },
  {
    id: 'workplace_use',
    section: 'context',
    text: 'Is the system used at your workplace in a way that affects your own workers?',
    help:
      'For example monitoring staff, allocating tasks or evaluating performance. Employers must inform workers ' +
      'and their representatives before using a high-risk system at the workplace (Art. 26(7)).',
    kind: 'boolean',
  },

  // --- Prohibited practices (Art. 5(1)) ------------------------------------------------------------------
  {
    id: 'subliminal_manipulation',
    section: 'prohibited',
    text:
      "Does the system use subliminal, deliberately manipulative or deceptive techniques that materially distort people's " +
      'behaviour in a way likely to cause them or others significant harm?',
    help:
      'Think of cues people cannot consciously perceive, or dark patterns built to push people into choices they ' +
      'would not otherwise make, where significant financial, physical or psychological harm is reasonably likely. ' +
      'Lawful persuasive advertising is not covered by itself. (Art. 5(1)(a))',
    kind: 'boolean',
  },
  {
    id: 'exploits_vulnerabilities',
    section: 'prohibited',
    text:
      'Does the system exploit vulnerabilities linked to age, disability or a specific social or economic situation, ' +
      'distorting behaviour in a way likely to cause significant harm?',
    help:
      'For example steering people in financial distress towards high-cost credit, or pressuring children or older ' +
      'people into harmful purchases. (Art. 5(1)(b))',
    kind: 'boolean',
  },
  {
    id: 'social_scoring',
    section: 'prohibited',
    text:
      'Does the system rate or rank people over time based on their social behaviour or personal traits, leading to ' +
      'unfavourable treatment in unrelated contexts or treatment out of proportion to that behaviour?',
    help:
      'Banned for public and private organisations alike. Scoring customers on purchases to personalise offers in the ' +
      'same context is not social scoring; using behaviour from one context to penalise people in an unrelated one ' +
      'may be. (Art. 5(1)(c))',
    kind: 'boolean',
  },
  {
    id: 'crime_prediction_profiling',
    section: 'prohibited',
    text:
      'Does the system assess or predict the risk that a person will commit a crime based only on profiling or on ' +
      'their personality traits?',
    help:
      'Not covered: tools that support a human assessment already based on objective, verifiable facts directly ' +
      'linked to criminal activity. (Art. 5(1)(d))',
    kind: 'boolean',
  },
  {
    id: 'facial_image_scraping',
    section: 'prohibited',
    text:
      'Does the system build or expand a facial recognition database by untargeted scraping of face images from the ' +
      'internet or CCTV footage?',
    help: 'Collecting faces in bulk to feed a recognition database is banned. (Art. 5(1)(e))',
    kind: 'boolean',
  },
  {
    id: 'emotion_recognition_work_education',
    section: 'prohibited',
    text: 'Does the system infer the emotions of people at work or in an education institution?',
    help:
      'For example reading the voices of staff on sales calls or webcam feeds of students to gauge mood or ' +
      'engagement from biometric signals. Uses strictly for medical or safety reasons are excepted; sentiment ' +
      'analysis of written text alone is not biometric. (Art. 5(1)(f))',
    kind: 'boolean',
  },
  {
    id: 'biometric_categorisation_sensitive',
    section: 'prohibited',
    text:
      'Does the system sort individual people by their biometric data to infer their race, political opinions, ' +
      'trade union membership, religious or philosophical beliefs, sex life or sexual orientation?',
    help: 'Labelling or filtering lawfully obtained biometric datasets in law enforcement is excepted. (Art. 5(1)(g))',
    kind: 'boolean',
  },
  {
    id: 'realtime_remote_biometric_id',
    section: 'prohibited',
    text:
      'Is the system used for real-time remote biometric identification of people in publicly accessible spaces ' +
      'for law enforcement?',
    help:
      'Live face recognition of crowds for policing is banned except in narrow, pre-authorised cases (such as ' +
      'searching for a specific abduction victim); this questionnaire cannot confirm those exceptions. (Art. 5(1)(h))',
    kind: 'boolean',
  },

  // --- High-risk (Art. 6(2)-(3), Annex III) --------------------------------------------------------------
  {
    id: 'annex_iii_use',
    section: 'high_risk',
    text: 'Is the system used for a purpose in any high-risk area listed in Annex III?',
    help:
      'The areas are: biometrics; critical infrastructure; education; employment and worker management; access to ' +
      'essential private and public services (including credit scoring of individuals and life or health insurance ' +
      'pricing); law enforcement; migration and border control; justice and democratic processes (including ' +
      'influencing elections). Answer for the purpose you actually use the system for.',
    kind: 'boolean',
  },
  {
    id: 'annex_iii_areas',
    section: 'high_risk',
    text: 'Which Annex III areas apply? Select all that apply.',
    help:
      'Targeted job advertising counts as recruitment. Campaign tools whose output voters never see directly, such ' +
      'as tools for organising campaign logistics, are outside the elections point.',
    kind: 'multi_choice',
    options: [
      {
        value: 'biometrics',
        label:
          'Biometrics: remote biometric identification (not mere identity checks), biometric categorisation by ' +
          'sensitive or protected attributes, or emotion recognition (point 1)',
      },
      {
        value: 'critical_infrastructure',
        label:
          'Critical infrastructure: safety components for digital infrastructure, road traffic, or water, gas, ' +
          'heating or electricity supply (point 2)',
      },
      {
        value: 'education',
        label:
          'Education and training: admission, grading learning outcomes, deciding the level of education someone ' +
          'gets, or monitoring students during tests (point 3)',
      },
      {
        value: 'employment',
        label:
          'Employment and worker management: recruitment and selection (job ad targeting, CV screening, candidate ' +
          'evaluation), promotion or termination, task allocation based on behaviour or traits, monitoring and ' +
          'evaluating performance (point 4)',
      },
      {
        value: 'public_benefits',
        label:
          'Public assistance: deciding eligibility for, or granting, reducing or withdrawing, essential public ' +
          'benefits and services including healthcare (point 5(a))',
      },
      {
        value: 'creditworthiness',
        label:
          'Credit: assessing the creditworthiness or setting the credit score of individuals, other than to detect ' +
          'fraud (point 5(b))',
      },
      {
        value: 'life_health_insurance',
        label:
          'Insurance: risk assessment and pricing of life or health insurance for individuals (point 5(c))',
      },
      {
        value: 'emergency_services',
        label:
          'Emergency services: classifying emergency calls, dispatching or prioritising responders, or patient ' +
          'triage (point 5(d))',
      },
      {
        value: 'law_enforcement',
        label:
          'Law enforcement: use by or for police and similar authorities, such as assessing risks to victims, ' +
          'judging evidence, or predicting reoffending (point 6)',
      },
      {
        value: 'migration',
        label:
          'Migration, asylum and border control: use by or for the authorities, such as assessing travellers or ' +
          'examining applications (point 7)',
      },
      {
        value: 'justice_democracy',
        label:
          'Justice and democracy: helping courts research or apply facts and law, or influencing the outcome of an ' +
          'election or referendum or how people vote (point 8)',
      },
    ],
    showIf: { questionId: 'annex_iii_use', equals: true },
  },
  {
    id: 'profiling',
    section: 'high_risk',
    text: 'Does the system profile individual people?',
    help:
      'Profiling is automated use of personal data to evaluate aspects of a person, such as predicting their work ' +
      'performance, finances, health, preferences, interests, reliability, behaviour or movements (GDPR Art. 4(4)). ' +
      'A system in an Annex III area that profiles people is always high-risk; the Art. 6(3) exception is then ' +
      'unavailable.',
    kind: 'boolean',
    showIf: { questionId: 'annex_iii_use', equals: true },
  },
  {
    id: 'derogation_narrow_procedural',
    section: 'high_risk',
    text: 'Does the system only carry out a narrow procedural task?',
    help:
      'For example turning unstructured data into structured data, sorting incoming documents into categories or ' +
      `spotting duplicate applications. (Art. 6(3)(a)) ${DEROGATION_NOTE}`,
    kind: 'boolean',
    showIf: { questionId: 'profiling', equals: false },
  },
  {
    id: 'derogation_improves_human_work',
    section: 'high_risk',
    text: 'Does the system only improve the result of work a person has already completed?',
    help: `For example polishing the wording of a document a person already wrote. (Art. 6(3)(b)) ${DEROGATION_NOTE}`,
    kind: 'boolean',
    showIf: { questionId: 'profiling', equals: false },
  },
  {
    id: 'derogation_detects_patterns',
    section: 'high_risk',
    text:
      'Does the system only detect decision patterns, or departures from earlier patterns, without replacing or ' +
      'swaying the earlier human assessment unless a person properly reviews it?',
    help:
      'For example flagging afterwards that an assessor departed from their usual pattern, for a person to look ' +
      `into. (Art. 6(3)(c)) ${DEROGATION_NOTE}`,
    kind: 'boolean',
    showIf: { questionId: 'profiling', equals: false },
  },
  {
    id: 'derogation_preparatory',
    section: 'high_risk',
    text: 'Does the system only do preparatory work for an assessment that falls in an Annex III area?',
    help:
      'For example indexing, searching, translating or linking files before a person makes the assessment. ' +
      `(Art. 6(3)(d)) ${DEROGATION_NOTE}`,
    kind: 'boolean',
    showIf: { questionId: 'profiling', equals: false },
  },

  // --- Transparency (Art. 50) ----------------------------------------------------------------------------
  {
    id: 'interacts_with_people',
    section: 'transparency',
    text: 'Does the system interact directly with people, for example as a chatbot, voice agent or messaging bot?',
    help:
      'People must be told they are dealing with AI unless that is obvious to a reasonably well-informed person ' +
      'from the context. (Art. 50(1))',
    kind: 'boolean',
  },
  {
    id: 'generates_synthetic_content',
    section: 'transparency',
    text: 'Does the system generate or alter audio, images, video or text?',
    help:
      'For example writing ad copy or social posts, generating product images, voice-overs or edited photos. ' +
      'Such output must carry a machine-readable mark showing it is AI-generated. (Art. 50(2))',
    kind: 'boolean',
  },
  {
    id: 'deep_fake',
    section: 'transparency',
    text:
      'Does it create or alter images, audio or video that resemble real people, objects, places or events and ' +
      'could wrongly pass as authentic?',
    help:
      'This is a deep fake: for example a synthetic spokesperson resembling a real person, a cloned voice, or a ' +
      'realistic photo of an event that never happened. For clearly artistic, satirical or fictional work the ' +
      'disclosure can be made in a way that does not spoil the work. (Art. 50(4))',
    kind: 'boolean',
    showIf: { questionId: 'generates_synthetic_content', equals: true },
  },
  {
    id: 'public_interest_text',
    section: 'transparency',
    text: 'Is generated or altered text published to inform the public about matters of public interest?',
    help:
      'For example AI-written news, public health information or political commentary, as opposed to product ' +
      'marketing copy. (Art. 50(4))',
    kind: 'boolean',
    showIf: { questionId: 'generates_synthetic_content', equals: true },
  },
  {
    id: 'public_interest_text_editorial_control',
    section: 'transparency',
    text:
      'Does a person review or edit that text before publication, with a person or organisation taking editorial ' +
      'responsibility for it?',
    help: 'If so, the duty to disclose that the text is AI-generated does not apply. (Art. 50(4))',
    kind: 'boolean',
    showIf: { questionId: 'public_interest_text', equals: true },
  },
  {
    id: 'emotion_recognition',
    section: 'transparency',
    text:
      "Does the system recognise or infer people's emotions or intentions from biometric data such as faces or " +
      'voices (outside work and education)?',
    help:
      "For example reading shoppers' facial expressions in a store or detecting frustration in callers' voices. " +
      'Sentiment analysis of written text alone is not biometric. Emotion recognition is also a high-risk use ' +
      '(Annex III point 1(c)), so Oversight treats such a system as high-risk unless an Art. 6(3) exception was ' +
      'recorded in the high-risk section. (Art. 50(3))',
    kind: 'boolean',
  },
  {
    id: 'biometric_categorisation',
    section: 'transparency',
    text: 'Does the system sort people into categories based on their biometric data (outside the banned uses)?',
    help:
      'For example grouping people by apparent physical features seen on camera to tailor on-screen content. If ' +
      'the categories are sensitive or protected attributes (such as sex or age), also select biometrics in the ' +
      'Annex III question. (Art. 50(3))',
    kind: 'boolean',
  },
] as const satisfies readonly AiActQuestionShape[];

/** Id of a question in the current questionnaire version. */
export type AiActQuestionId = (typeof QUESTION_DATA)[number]['id'];

/** A question of the current questionnaire; `showIf` may only point at an existing question id. */
export type AiActQuestion = AiActQuestionShape<AiActQuestionId>;

/** All questions in presentation order, grouped by section in the order of `AI_ACT_SECTIONS`. */
export const AI_ACT_QUESTIONS: readonly AiActQuestion[] = QUESTION_DATA;

/** Answer to one question: boolean, one option value, or a non-empty list of distinct option values. */
export type AiActAnswerValue = boolean | string | string[];

/** Answers keyed by question id; answers to questions hidden by `showIf` may be present and are ignored. */
export type AiActAnswers = Partial<Record<AiActQuestionId, AiActAnswerValue>>;

/** Risk tier of an AI system under the Act, from the deployer's point of view. */
export type AiActTier = 'prohibited' | 'high' | 'limited' | 'minimal';

/** A legal duty the deployer has to meet, with the article it comes from. */
export type AiActObligation = { id: string; article: string; title: string; summary: string };

/** One answer that contributed to the tier, in plain words. */
export type AiActReason = { questionId: AiActQuestionId; text: string };

/** Result of classifying a set of answers. */
export type AiActClassification = {
  questionnaireVersion: string;
  tier: AiActTier;
  reasons: AiActReason[];
  obligations: AiActObligation[];
};

const QUESTION_BY_ID: ReadonlyMap<string, AiActQuestion> = new Map(AI_ACT_QUESTIONS.map((q) => [q.id, q]));

/** Returns the question with this id, or undefined when the id is not part of the questionnaire. */
export function findAiActQuestion(id: string): AiActQuestion | undefined {
  return QUESTION_BY_ID.get(id);
}

function answerMatches(answer: AiActAnswerValue | undefined, expected: boolean | string): boolean {
  return Array.isArray(answer) ? answer.includes(String(expected)) : answer === expected;
}

/** Tells whether a question is shown given the answers so far (its `showIf` holds and its parent is shown). */
export function isAiActQuestionVisible(question: AiActQuestion, answers: AiActAnswers): boolean {
  if (question.showIf === undefined) return true;
  const parent = QUESTION_BY_ID.get(question.showIf.questionId);
  if (parent === undefined || !isAiActQuestionVisible(parent, answers)) return false;
  return answerMatches(answers[question.showIf.questionId], question.showIf.equals);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function optionValues(question: AiActQuestion): string[] {
  return (question.options ?? []).map((o) => o.value);
}

function booleanProblem(question: AiActQuestion, value: unknown): string | undefined {
  if (typeof value === 'boolean') return undefined;
  return `Question "${question.id}" expects true or false, got ${describeValue(value)}`;
}

function choiceProblem(question: AiActQuestion, value: unknown): string | undefined {
  const allowed = optionValues(question);
  if (typeof value === 'string' && allowed.includes(value)) return undefined;
  const got = typeof value === 'string' ? `"${value}"` : describeValue(value);
  return `Question "${question.id}" expects one of ${allowed.map((v) => `"${v}"`).join(', ')}, got ${got}`;
}

function multiChoiceProblem(question: AiActQuestion, value: unknown): string | undefined {
  const allowed = optionValues(question);
  if (!Array.isArray(value)) {
    return `Question "${question.id}" expects a list of options, got ${describeValue(value)}`;
  }
  if (value.length === 0) return `Question "${question.id}" needs at least one selected option`;
  const unknown = value.filter((v) => typeof v !== 'string' || !allowed.includes(v));
  if (unknown.length > 0) {
    return `Question "${question.id}" got unknown option(s) ${unknown.map((v) => JSON.stringify(v)).join(', ')}; allowed: ${allowed.join(', ')}`;
  }
  if (new Set(value).size !== value.length) return `Question "${question.id}" lists an option more than once`;
  return undefined;
}

function answerProblem(key: string, value: unknown): string | undefined {
  const question = QUESTION_BY_ID.get(key);
  if (question === undefined)
    return `Unknown question id "${key}" (questionnaire ${AI_ACT_QUESTIONNAIRE_VERSION})`;
  switch (question.kind) {
    case 'boolean':
      return booleanProblem(question, value);
    case 'choice':
      return choiceProblem(question, value);
    case 'multi_choice':
      return multiChoiceProblem(question, value);
  }
}

function isAnswerValue(value: unknown): value is AiActAnswerValue {
  return (
    typeof value === 'boolean' ||
    typeof value === 'string' ||
    (Array.isArray(value) && value.every((v) => typeof v === 'string'))
  );
}

function toAnswers(record: Record<string, unknown>): AiActAnswers {
  const answers: AiActAnswers = {};
  for (const question of AI_ACT_QUESTIONS) {
    const value = record[question.id];
    if (isAnswerValue(value)) answers[question.id] = Array.isArray(value) ? [...value] : value;
  }
  return answers;
}

/** Validates answers: an object keyed by known question ids, each value of the type its question expects. */
export const AiActAnswersSchema = z
  .record(z.string(), z.unknown(), { error: 'Answers must be an object mapping question ids to answers' })
  .superRefine((record, ctx) => {
    for (const [key, value] of Object.entries(record)) {
      const message = answerProblem(key, value);
      if (message !== undefined) ctx.addIssue({ code: 'custom', path: [key], message });
    }
  })
  .transform(toAnswers);
