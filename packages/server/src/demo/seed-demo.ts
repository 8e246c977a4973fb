import { randomBytes } from 'node:crypto';
import type { Services } from '../compose.ts';
import { actorFor } from '../modules/identity/identity-service.ts';
import type { Actor } from '../modules/identity/identity-types.ts';

export const DEMO_ORG_NAME = 'Northwind Marketing (DEMO)';

const daysFromNow = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** A readable random password: the demo has no fixed credentials. */
function demoPassword(): string {
  return `demo-${randomBytes(9).toString('base64url')}`;
}

/**
 * Loads a clearly labelled demo organisation: a marketing company with AI systems, vendors and
 * outsourced engagements, every one with an accountable owner and every step on the ledger.
 */
export async function seedDemo(s: Services) {
  const password = demoPassword();
  const init = await s.identity.initOrganization({
    name: DEMO_ORG_NAME,
    adminEmail: 'admin@northwind.example',
    adminName: 'Alex Admin (demo)',
    password,
    demo: true,
  });
  const admin: Actor = actorFor(init.admin, 'cli');
  const maya = await s.identity.createUser(admin, {
    email: 'maya.owner@northwind.example',
    name: 'Maya Okafor',
    role: 'owner',
    password,
  });
  const sam = await s.identity.createUser(admin, {
    email: 'sam.owner@northwind.example',
    name: 'Sam Lindqvist',
    role: 'owner',
    password,
  });
  await s.identity.createUser(admin, {
    email: 'ines.auditor@northwind.example',
    name: 'Inès Auditor',
    role: 'auditor',
    password,
  });

  const brightLeads = await s.registry.createVendor(admin, {
    legalName: 'BrightLeads Data Ltd',
    contactName: 'Priya Shah',
    contactEmail: 'priya@brightleads.example',
    dpaSigned: true,
    dpaSignedAt: daysFromNow(-200),
    dataLocations: ['EU (Ireland)'],
    subProcessors: [{ name: 'CloudHost EU', location: 'Germany', purpose: 'hosting' }],
    criticality: 'high',
    ownerId: maya.id,
    public: true,
  });
  const pixel = await s.registry.createVendor(admin, {
    legalName: 'Pixel & Prose Creative Agency',
    contactName: 'Tom Reyes',
    contactEmail: 'tom@pixelprose.example',
    dpaSigned: true,
    dataLocations: ['EU (France)', 'US'],
    subProcessors: [{ name: 'GenImage Inc', location: 'US', purpose: 'image generation' }],
    criticality: 'medium',
    ownerId: sam.id,
    public: true,
  });
  const adSignal = await s.registry.createVendor(admin, {
    legalName: 'AdSignal Analytics GmbH',
    contactName: 'Lena Vogel',
    contactEmail: 'lena@adsignal.example',
    dpaSigned: false,
    dataLocations: ['EU (Germany)'],
    subProcessors: [],
    criticality: 'critical',
    ownerId: maya.id,
    public: false,
  });
  await s.identity.createUser(admin, {
    email: 'priya@brightleads.example',
    name: 'Priya Shah (BrightLeads)',
    role: 'vendor',
    vendorId: brightLeads.id,
    password,
  });

  const mayaActor = actorFor(maya, 'cli');
  const samActor = actorFor(sam, 'cli');
  const leadScoring = await s.registry.createSystem(admin, {
    name: 'Lead scoring model',
    description: 'Gradient-boosted model that ranks inbound leads for the sales team.',
    purpose: 'Prioritise which leads get a call first',
    kind: 'model',
    vendorId: brightLeads.id,
    ownerId: maya.id,
    decidesAboutCustomers: true,
    public: true,
    tags: ['sales', 'scoring'],
  });
  await s.registry.classifySystem(mayaActor, leadScoring.id, {
    deployer_type: 'private',
    affects_eu_persons: true,
    decisions_about_persons: true,
    workplace_use: false,
    ...noProhibited,
    annex_iii_use: false,
    interacts_with_people: false,
    generates_synthetic_content: false,
    emotion_recognition: false,
    biometric_categorisation: false,
  });
  await s.registry.changeLifecycle(mayaActor, leadScoring.id, 'approve', 'Validated on Q3 data');
  await s.registry.changeLifecycle(mayaActor, leadScoring.id, 'go_live');

  const chatbot = await s.registry.createSystem(admin, {
    name: 'Customer service chatbot',
    description: 'Vendor-hosted assistant answering product and order questions on the website.',
    purpose: 'Answer customer questions 24/7',
    kind: 'vendor_ai',
    ownerId: sam.id,
    decidesAboutCustomers: false,
    public: true,
    tags: ['support'],
  });
  await s.registry.classifySystem(samActor, chatbot.id, {
    deployer_type: 'private',
    affects_eu_persons: true,
    decisions_about_persons: false,
    workplace_use: false,
    ...noProhibited,
    annex_iii_use: false,
    interacts_with_people: true,
    generates_synthetic_content: true,
    deep_fake: false,
    public_interest_text: false,
    emotion_recognition: false,
    biometric_categorisation: false,
  });
  await s.registry.changeLifecycle(samActor, chatbot.id, 'approve');

  const creative = await s.registry.createSystem(admin, {
    name: 'Ad creative generator',
    description: 'Generates ad copy and images from campaign briefs (supplied by Pixel & Prose).',
    purpose: 'Produce campaign variants',
    kind: 'vendor_ai',
    vendorId: pixel.id,
    ownerId: sam.id,
    decidesAboutCustomers: false,
    public: true,
    tags: ['creative', 'generative'],
  });

  const bnpl = await s.registry.createSystem(admin, {
    name: 'Buy-now-pay-later eligibility check',
    description: 'Third-party credit check deciding who is offered instalment payment at checkout.',
    purpose: 'Offer instalments only to eligible customers',
    kind: 'vendor_ai',
    vendorId: adSignal.id,
    ownerId: maya.id,
    decidesAboutCustomers: true,
    public: true,
    tags: ['credit', 'checkout'],
  });
  await s.registry.classifySystem(mayaActor, bnpl.id, {
    deployer_type: 'private',
    affects_eu_persons: true,
    decisions_about_persons: true,
    workplace_use: false,
    ...noProhibited,
    annex_iii_use: true,
    annex_iii_areas: ['creditworthiness'],
    profiling: true,
    interacts_with_people: false,
    generates_synthetic_content: false,
    emotion_recognition: false,
    biometric_categorisation: false,
  });

  await s.registry.createSystem(admin, {
    name: 'Dynamic discount engine',
    description: 'Internal tool that picks a discount level per visitor segment.',
    purpose: 'Personalised promotions',
    kind: 'internal_tool',
    ownerId: maya.id,
    decidesAboutCustomers: true,
    public: false,
    tags: ['pricing'],
  });

  await s.registry.createEngagement(admin, {
    title: 'Lead enrichment and scoring service',
    task: 'Enrich inbound leads with firmographics and deliver weekly scored lead batches.',
    vendorId: brightLeads.id,
    systemIds: [leadScoring.id],
    ownerId: maya.id,
    startDate: daysFromNow(-300),
    endDate: daysFromNow(20),
  });
  await s.registry.createEngagement(admin, {
    title: 'Autumn campaign creative production',
    task: 'Produce 120 ad variants per month with the creative generator; human review before publishing.',
    vendorId: pixel.id,
    systemIds: [creative.id],
    ownerId: sam.id,
    startDate: daysFromNow(-60),
    endDate: daysFromNow(120),
  });
  await s.registry.createEngagement(admin, {
    title: 'Checkout credit decisioning',
    task: 'Run eligibility checks for instalment offers at checkout.',
    vendorId: adSignal.id,
    systemIds: [bnpl.id],
    ownerId: maya.id,
    startDate: daysFromNow(-30),
  });
  await s.registry.transferOwnership(admin, 'system', creative.id, {
    newOwnerId: maya.id,
    reason: 'Sam moves to the brand team',
  });
  await s.trust.putContent(admin, DEMO_TRUST_CONTENT);
  await s.ledger.checkpoint(init.organization.id);
  return { organization: init.organization, adminEmail: init.admin.email, password, apiKey: init.apiKey };
}

const noProhibited = {
  subliminal_manipulation: false,
  exploits_vulnerabilities: false,
  social_scoring: false,
  crime_prediction_profiling: false,
  facial_image_scraping: false,
  emotion_recognition_work_education: false,
  biometric_categorisation_sensitive: false,
  realtime_remote_biometric_id: false,
};

const DEMO_TRUST_CONTENT = {
  published: true,
  intro:
    'Northwind Marketing uses AI systems and a few specialist agencies to decide which offers you see and how we follow up. ' +
    'This page says what we collect, which systems and providers are involved, how your data is protected, and what you can do if something goes wrong.',
  dataCollected: [
    {
      category: 'Contact details (name, e-mail, phone)',
      purpose: 'Answer your enquiries and send offers you asked for',
      lawfulBasis: 'Consent',
      retention: '24 months after last contact',
    },
    {
      category: 'Website and campaign interactions',
      purpose: 'Score leads and personalise offers',
      lawfulBasis: 'Legitimate interest',
      retention: '13 months',
    },
    {
      category: 'Order and payment history',
      purpose: 'Instalment eligibility at checkout',
      lawfulBasis: 'Contract',
      retention: '6 years (tax law)',
    },
  ],
  protections: [
    {
      title: 'Encryption',
      detail:
        'Personal data is encrypted at rest with a separate key per customer; erasing you destroys your key.',
    },
    {
      title: 'Vendors never see raw data',
      detail: 'Agencies receive tokens instead of your name or e-mail address, different for each agency.',
    },
    {
      title: 'Every access is recorded',
      detail:
        'Each access to personal data states its purpose and is written to a tamper-evident log that auditors verify.',
    },
  ],
  customerAdvice: [
    {
      title: 'Use a unique password',
      detail: 'A password manager makes a different password for every site easy.',
    },
    {
      title: 'Be wary of unexpected messages',
      detail: 'We never ask for your password or payment details by e-mail or phone.',
    },
    {
      title: 'Check what you share',
      detail: 'You can ask us at any time what we hold about you and withdraw consent to marketing.',
    },
  ],
  recourse: {
    contactEmail: 'privacy@northwind.example',
    dpoName: 'Data Protection Officer, Northwind Marketing',
    supervisoryAuthority: 'Your national data protection authority',
    steps: [
      'Ask us for an explanation or a human review of any automated decision about you.',
      'Write to our Data Protection Officer; we answer within one month.',
      'If you are not satisfied, complain to your data protection authority.',
    ],
  },
};
