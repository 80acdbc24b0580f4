import { sql, type Kysely } from 'kysely';

// Decision support: the disposition ladder (reference data), the protocol library with immutable
// approved versions, the role that approves them, and what a task and an outcome record of it.
// Frozen in time: never import application code here. The seeded protocols are EXAMPLE content
// (flag `example`), for the county's EMS medical director to review: not clinical guidance.

type L = { fi: string; sv: string; en: string };
const l = (fi: string, sv: string, en: string): L => ({ fi, sv, en });

// id, rank, fi, sv, en, outcome type, outcome fields that mean this rung
const LADDER: [string, number, string, string, string, string, Record<string, string[]>][] = [
  ['unit_urgent', 1, 'Yksikkö kiireellisempänä (C/B)', 'Enhet med högre brådskande grad (C/B)', 'Unit with raised urgency (C/B)', 'dispatch_unit', { urgency: ['A', 'B', 'C'] }],
  ['unit', 2, 'Yksikkö D-tavoiteajassa', 'Enhet inom D-målet', 'Unit within the D target', 'dispatch_unit', { urgency: ['D'] }],
  ['emergency_department', 3, 'Päivystykseen omalla kyydillä tai taksilla', 'Till jouren med egen transport eller taxi', 'Emergency department by own transport or taxi', 'redirect', { target: ['other'] }],
  ['health_centre_today', 4, 'Terveysasema tänään', 'Hälsocentral i dag', 'Health centre today', 'redirect', { target: ['health_centre'] }],
  ['home_hospital', 5, 'Kotisairaala', 'Hemsjukhus', 'Home hospital', 'redirect', { target: ['home_hospital'] }],
  ['home_care', 6, 'Kotihoito', 'Hemvård', 'Home care', 'redirect', { target: ['home_care'] }],
  ['social_emergency', 7, 'Sosiaalipäivystys', 'Socialjour', 'Social emergency services', 'redirect', { target: ['social_emergency', 'social_services'] }],
  ['mental_health_substance', 8, 'Mielenterveys- ja päihdepalvelut', 'Mentalvårds- och missbrukartjänster', 'Mental-health / substance services', 'redirect', { target: ['mental_health_substance'] }],
  ['self_care', 9, 'Kotihoito-ohjeet', 'Egenvårdsråd', 'Self-care advice', 'phone_advice', {}],
];

type Floor = { when: { equals: boolean | string } | { below: number } | { above: number }; disposition: string; reason: L; hard: boolean };
type Question =
  | { id: string; kind: 'yes_no'; text: L; floors: Floor[] }
  | { id: string; kind: 'number'; text: L; unit: string; min: number; max: number; floors: Floor[] };

/** A red flag: "yes" sets a hard floor (no override). */
const redFlag = (id: string, text: L, disposition = 'unit'): Question => ({ id, kind: 'yes_no', text, floors: [{ when: { equals: true }, disposition, reason: text, hard: true }] });
/** A question whose "yes" raises the level of help, with an override allowed. */
const raises = (id: string, text: L, disposition: string, reason: L = text): Question => ({ id, kind: 'yes_no', text, floors: [{ when: { equals: true }, disposition, reason, hard: false }] });
const painScore = (above: number, disposition: string): Question => ({
  id: 'pain_score',
  kind: 'number',
  text: l('Kivun voimakkuus asteikolla 0–10', 'Smärtans styrka på skalan 0–10', 'Pain score 0–10'),
  unit: '/10',
  min: 0,
  max: 10,
  floors: [{ when: { above }, disposition, reason: l(`Kipu yli ${above}/10`, `Smärta över ${above}/10`, `Pain above ${above}/10`), hard: false }],
});

// The red flags that were checkboxes until now, as questions with a hard "unit" floor. Other
// serious findings (cannot get up, long lie) raise the level but allow a documented override.
const CHEST_PAIN = l('Rintakipu', 'Bröstsmärta', 'Chest pain');
const BREATHING = l('Hengitysvaikeus', 'Andningssvårigheter', 'Breathing difficulty');
const CONSCIOUSNESS = l('Tajunnan tason muutos tai uusi sekavuus', 'Förändrad medvetandegrad eller ny förvirring', 'Altered consciousness or new confusion');
const STROKE = l('Aivoverenkiertohäiriön merkit (toispuoleisuus, puhehäiriö)', 'Tecken på stroke (ensidighet, talsvårigheter)', 'Stroke signs (one-sided weakness, speech disturbance)');
const BLEEDING = l('Runsas verenvuoto', 'Kraftig blödning', 'Heavy bleeding');
const SEVERE_PAIN = l('Voimakas kipu', 'Svår smärta', 'Severe pain');
const SUICIDE = l('Itsetuhoisia ajatuksia', 'Självmordstankar', 'Suicidal thoughts');
const GENERIC_RED_FLAGS = [
  redFlag('chest_pain', CHEST_PAIN),
  redFlag('breathing_difficulty', BREATHING),
  redFlag('altered_consciousness', CONSCIOUSNESS),
  redFlag('stroke_signs', STROKE),
  redFlag('major_bleeding', BLEEDING),
  redFlag('severe_pain', SEVERE_PAIN),
  redFlag('suicide_risk', SUICIDE),
];

const VITALS = [
  { vital: 'spo2', when: { below: 90 }, disposition: 'unit', reason: l('Happikyllästys alle 90 %', 'Syremättnad under 90 %', 'Oxygen saturation below 90 %'), hard: true },
  { vital: 'respiratoryRate', when: { above: 24 }, disposition: 'unit', reason: l('Hengitystaajuus yli 24/min', 'Andningsfrekvens över 24/min', 'Respiratory rate above 24/min'), hard: false },
  { vital: 'systolicBp', when: { below: 90 }, disposition: 'unit', reason: l('Systolinen paine alle 90', 'Systoliskt tryck under 90', 'Systolic pressure below 90'), hard: false },
];

const ADVICE_SELF = l(
  'ESIMERKKI. Lepää ja juo riittävästi. Soita 112, jos tulee rintakipua, hengitysvaikeutta, sekavuutta tai et pääse ylös. Soita päivystysapuun 116117, jos olo ei parane huomiseen mennessä.',
  'EXEMPEL. Vila och drick tillräckligt. Ring 112 vid bröstsmärta, andningssvårigheter, förvirring eller om du inte kommer upp. Ring jourhjälpen 116117 om det inte blir bättre till i morgon.',
  'EXAMPLE. Rest and drink enough. Call 112 if you get chest pain, breathing difficulty, confusion or cannot get up. Call the on-call helpline 116117 if you are not better by tomorrow.',
);
const ADVICE_REFERRAL = l(
  'ESIMERKKI. Sovittu palvelu ottaa sinuun yhteyttä. Jos vointisi huononee ennen sitä (rintakipu, hengitysvaikeus, sekavuus, et pääse ylös), soita 112.',
  'EXEMPEL. Den överenskomna tjänsten kontaktar dig. Om du blir sämre innan dess (bröstsmärta, andningssvårigheter, förvirring, du kommer inte upp), ring 112.',
  'EXAMPLE. The agreed service will contact you. If you get worse before then (chest pain, breathing difficulty, confusion, cannot get up), call 112.',
);
const ADVICE_ED = l(
  'ESIMERKKI. Mene päivystykseen omalla kyydillä tai taksilla tänään. Älä aja itse. Jos vointisi huononee, soita 112.',
  'EXEMPEL. Åk till jouren med egen transport eller taxi i dag. Kör inte själv. Om du blir sämre, ring 112.',
  'EXAMPLE. Go to the emergency department by own transport or taxi today. Do not drive yourself. If you get worse, call 112.',
);
const ADVICE = [
  { id: 'self_care_112', disposition: 'self_care', text: ADVICE_SELF },
  { id: 'emergency_department', disposition: 'emergency_department', text: ADVICE_ED },
  ...['health_centre_today', 'home_hospital', 'home_care', 'social_emergency', 'mental_health_substance'].map((d) => ({ id: `${d}_worse`, disposition: d, text: ADVICE_REFERRAL })),
];

const content = (title: L, questions: Question[], defaultDisposition = 'self_care') => ({ title, questions, vitalThresholds: VITALS, defaultDisposition, advice: ADVICE });

const EXAMPLES: { id: string; generic: boolean; codes: string[]; content: ReturnType<typeof content> }[] = [
  { id: 'generic', generic: true, codes: [], content: content(l('Yleiset kysymykset (ESIMERKKI)', 'Allmänna frågor (EXEMPEL)', 'Generic questions (EXAMPLE)'), GENERIC_RED_FLAGS) },
  {
    id: 'fall',
    generic: false,
    codes: ['745'],
    content: content(l('Kaatuminen (ESIMERKKI)', 'Fall (EXEMPEL)', 'Fall (EXAMPLE)'), [
      raises('cannot_get_up', l('Ei pääse ylös tai kävele kuten ennen', 'Kommer inte upp eller kan inte gå som förut', 'Cannot get up or walk as before'), 'unit'),
      redFlag('new_confusion', l('Uusi sekavuus', 'Ny förvirring', 'New confusion')),
      redFlag('head_injury_anticoagulant', l('Lyönyt päänsä ja käyttää verenohennuslääkettä', 'Slagit huvudet och tar blodförtunnande', 'Hit the head and takes blood thinners')),
      redFlag('chest_pain_or_faint', l('Rintakipu tai pyörtyminen ennen kaatumista', 'Bröstsmärta eller svimning före fallet', 'Chest pain or fainting before the fall')),
      redFlag('major_bleeding', BLEEDING),
      raises('long_lie', l('Ollut lattialla yli tunnin', 'Legat på golvet över en timme', 'Lay on the floor for over an hour'), 'health_centre_today'),
      raises('alone_without_help', l('Asuu yksin eikä saa apua', 'Bor ensam och får ingen hjälp', 'Lives alone without help'), 'home_care'),
      painScore(6, 'health_centre_today'),
    ]),
  },
  {
    id: 'weakness',
    generic: false,
    codes: ['774'],
    content: content(l('Yleistilan heikkeneminen (ESIMERKKI)', 'Försämrat allmäntillstånd (EXEMPEL)', 'General weakness / illness (EXAMPLE)'), [
      redFlag('new_confusion', l('Uusi sekavuus', 'Ny förvirring', 'New confusion')),
      redFlag('breathing_difficulty', BREATHING),
      redFlag('chest_pain', CHEST_PAIN),
      raises('cannot_get_up', l('Ei pääse ylös tai kävele kuten ennen', 'Kommer inte upp eller kan inte gå som förut', 'Cannot get up or walk as before'), 'unit'),
      raises('fever_chills', l('Kuume ja vilunväristykset', 'Feber och frossa', 'Fever with chills'), 'health_centre_today'),
      raises('drinking_poorly', l('Juo tai syö huonosti yli vuorokauden', 'Dricker eller äter dåligt över ett dygn', 'Drinking or eating poorly for over a day'), 'home_hospital'),
      raises('needs_help_at_home', l('Tarvitsee apua kotona pärjäämiseen', 'Behöver hjälp att klara sig hemma', 'Needs help to manage at home'), 'home_care'),
    ]),
  },
  {
    id: 'vomiting_diarrhoea',
    generic: false,
    codes: ['775'],
    content: content(l('Oksentelu, ripuli, virtsavaiva (ESIMERKKI)', 'Kräkningar, diarré, urinbesvär (EXEMPEL)', 'Vomiting, diarrhoea, urinary complaint (EXAMPLE)'), [
      redFlag('altered_consciousness', CONSCIOUSNESS),
      redFlag('blood_in_vomit_or_stool', l('Verta oksennuksessa tai ulosteessa', 'Blod i kräkningar eller avföring', 'Blood in vomit or stool')),
      raises('no_urine_12h', l('Ei virtsaa yli 12 tuntiin', 'Ingen urin på över 12 timmar', 'No urine for over 12 hours'), 'emergency_department'),
      raises('cannot_keep_fluids', l('Ei pysty pitämään nesteitä', 'Kan inte behålla vätska', 'Cannot keep fluids down'), 'health_centre_today'),
    ]),
  },
  {
    id: 'abdominal_pain',
    generic: false,
    codes: ['781'],
    content: content(l('Vatsakipu (ESIMERKKI)', 'Buksmärta (EXEMPEL)', 'Abdominal pain (EXAMPLE)'), [
      redFlag('sudden_severe_pain', l('Äkillinen erittäin voimakas kipu', 'Plötslig mycket svår smärta', 'Sudden very severe pain')),
      redFlag('vomiting_blood', l('Oksentaa verta', 'Kräks blod', 'Vomiting blood')),
      redFlag('chest_pain', CHEST_PAIN),
      raises('pregnant', l('Raskaana', 'Gravid', 'Pregnant'), 'emergency_department'),
      painScore(7, 'emergency_department'),
    ]),
  },
  {
    id: 'back_limb_pain',
    generic: false,
    codes: ['783'],
    content: content(l('Selkä-, raaja- tai vartalokipu (ESIMERKKI)', 'Rygg-, extremitets- eller bålsmärta (EXEMPEL)', 'Back, limb or trunk pain (EXAMPLE)'), [
      redFlag('new_leg_weakness', l('Uusi jalkojen heikkous, tunnottomuus tai virtsanpidätyskyvyttömyys', 'Ny svaghet eller domning i benen eller inkontinens', 'New leg weakness, numbness or loss of bladder control')),
      redFlag('chest_pain', CHEST_PAIN),
      raises('cannot_bear_weight', l('Ei pysty varaamaan jalalle', 'Kan inte belasta benet', 'Cannot bear weight'), 'emergency_department'),
      painScore(7, 'health_centre_today'),
    ]),
  },
  {
    id: 'mental_health',
    generic: false,
    codes: ['785'],
    content: content(
      l('Mielenterveysongelma (ESIMERKKI)', 'Psykisk ohälsa (EXEMPEL)', 'Mental-health problem (EXAMPLE)'),
      [
        redFlag('suicidal_thoughts', SUICIDE),
        redFlag('threat_of_violence', l('Uhkaa väkivallalla', 'Hotar med våld', 'Threatens violence')),
        redFlag('altered_consciousness', CONSCIOUSNESS),
        raises('intoxicated_alone', l('Päihtynyt ja yksin', 'Berusad och ensam', 'Intoxicated and alone'), 'social_emergency'),
      ],
      'mental_health_substance',
    ),
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table app_user drop constraint app_user_role_check`.execute(db);
  await sql`alter table app_user add constraint app_user_role_check
    check (role in ('nurse', 'shift_leader', 'manager', 'admin', 'medical_director'))`.execute(db);

  await db.schema
    .createTable('disposition')
    .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^[a-z][a-z0-9_]{1,39}$'`))
    .addColumn('rank', 'integer', (c) => c.notNull().unique())
    .addColumn('label_fi', 'text', (c) => c.notNull())
    .addColumn('label_sv', 'text', (c) => c.notNull())
    .addColumn('label_en', 'text', (c) => c.notNull())
    .addColumn('outcome_type', 'text', (c) => c.notNull().check(sql`outcome_type in ('dispatch_unit', 'phone_advice', 'redirect')`))
    .addColumn('outcome_match', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db
    .insertInto('disposition')
    .values(LADDER.map(([id, rank, fi, sv, en, type, match]) => ({ id, rank, label_fi: fi, label_sv: sv, label_en: en, outcome_type: type, outcome_match: JSON.stringify(match) })))
    .execute();

  await db.schema
    .createTable('protocol')
    .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^[a-z][a-z0-9_]{1,39}$'`))
    .addColumn('generic', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One generic protocol: the questions for task codes no protocol covers.
  await sql`create unique index protocol_one_generic on protocol (generic) where generic`.execute(db);
  // A task code belongs to at most one protocol, so the protocol for a task is never ambiguous.
  await db.schema
    .createTable('protocol_task_code')
    .addColumn('task_code', 'text', (c) => c.primaryKey().check(sql`task_code ~ '^7[0-9]{2}$'`))
    .addColumn('protocol_id', 'text', (c) => c.notNull().references('protocol.id'))
    .execute();

  await db.schema
    .createTable('protocol_version')
    .addColumn('protocol_id', 'text', (c) => c.notNull().references('protocol.id'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'approved', 'retired')`))
    .addColumn('example', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('approved_by_id', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('approved_by', 'text')
    .addColumn('retired_at', 'timestamptz')
    .addPrimaryKeyConstraint('protocol_version_pk', ['protocol_id', 'version'])
    .addCheckConstraint('protocol_version_approval_recorded', sql`status = 'draft' or (approved_at is not null and approved_by is not null)`)
    .execute();
  await sql`create unique index protocol_one_draft on protocol_version (protocol_id) where status = 'draft'`.execute(db);
  await sql`create unique index protocol_one_approved on protocol_version (protocol_id) where status = 'approved'`.execute(db);
  // Approved content is immutable: the only change an approved row accepts is its retirement.
  await sql`create function protocol_version_refuse_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.status <> 'draft' then
          raise exception 'protocol version %/% is %: it cannot be deleted', old.protocol_id, old.version, old.status using errcode = 'P0010';
        end if;
        return old;
      end if;
      if old.status = 'draft' then
        return new;
      end if;
      if old.status = 'approved' and new.status = 'retired' and new.retired_at is not null
        and new.content = old.content and new.example = old.example and new.protocol_id = old.protocol_id and new.version = old.version
        and new.approved_at = old.approved_at and new.approved_by = old.approved_by then
        return new;
      end if;
      raise exception 'protocol version %/% is %: it cannot be changed', old.protocol_id, old.version, old.status using errcode = 'P0010';
    end $$`.execute(db);
  await sql`create trigger protocol_version_immutable before update or delete on protocol_version
    for each row execute function protocol_version_refuse_change()`.execute(db);

  // A task keeps the version it was assessed with; an outcome records what was recommended and chosen.
  await db.schema
    .alterTable('task')
    .addColumn('protocol_id', 'text')
    .addColumn('protocol_version', 'integer')
    .addColumn('recommendation', 'jsonb')
    .execute();
  await sql`alter table task add constraint task_protocol_version_fk foreign key (protocol_id, protocol_version)
    references protocol_version (protocol_id, version)`.execute(db);
  await db.schema
    .alterTable('task_outcome')
    .addColumn('protocol_id', 'text')
    .addColumn('protocol_version', 'integer')
    .addColumn('recommended_disposition', 'text')
    .addColumn('chosen_disposition', 'text')
    .addColumn('override_reason', 'text')
    .addColumn('advice_id', 'text')
    .addColumn('advice_language', 'text')
    .execute();
  await sql`alter table task_outcome add constraint task_outcome_protocol_version_fk foreign key (protocol_id, protocol_version)
    references protocol_version (protocol_id, version)`.execute(db);

  for (const example of EXAMPLES) {
    await db.insertInto('protocol').values({ id: example.id, generic: example.generic }).execute();
    if (example.codes.length > 0) {
      await db.insertInto('protocol_task_code').values(example.codes.map((code) => ({ task_code: code, protocol_id: example.id }))).execute();
    }
    await db
      .insertInto('protocol_version')
      .values({
        protocol_id: example.id,
        version: 1,
        status: 'approved',
        example: true,
        content: JSON.stringify(example.content),
        created_by: 'system (example set)',
        approved_at: sql`now()`,
        approved_by: 'system (example set, not clinically approved)',
      })
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table task_outcome drop constraint task_outcome_protocol_version_fk`.execute(db);
  await db.schema
    .alterTable('task_outcome')
    .dropColumn('protocol_id')
    .dropColumn('protocol_version')
    .dropColumn('recommended_disposition')
    .dropColumn('chosen_disposition')
    .dropColumn('override_reason')
    .dropColumn('advice_id')
    .dropColumn('advice_language')
    .execute();
  await sql`alter table task drop constraint task_protocol_version_fk`.execute(db);
  await db.schema.alterTable('task').dropColumn('protocol_id').dropColumn('protocol_version').dropColumn('recommendation').execute();
  await db.schema.dropTable('protocol_version').execute();
  await sql`drop function protocol_version_refuse_change()`.execute(db);
  await db.schema.dropTable('protocol_task_code').execute();
  await db.schema.dropTable('protocol').execute();
  await db.schema.dropTable('disposition').execute();
  await sql`alter table app_user drop constraint app_user_role_check`.execute(db);
  await sql`alter table app_user add constraint app_user_role_check check (role in ('nurse', 'shift_leader', 'manager', 'admin'))`.execute(db);
}
