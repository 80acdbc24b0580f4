import { nextGap, pick, ratePerSecond, seededRandom } from './arrivals.ts';

export interface SimulationOptions {
  url: string;
  adminPassword: string;
  tasksPerDay: number;
  /** Simulated seconds per real second: 1 is real time, 720 runs a day in two minutes. */
  speed: number;
  /** Simulated hours to run. */
  hours: number;
  /** Simulated hour of day to start at (0-23). */
  startHour: number;
  nurses: number;
  /** Mean handling time of one task, simulated minutes. */
  handlingMinutes: number;
  /** Share of calls the patient answers. */
  answerRate: number;
  outcomeMix: { dispatch_unit: number; phone_advice: number; redirect: number };
  seed: number;
  log(line: string): void;
}

export const DEFAULTS: Omit<SimulationOptions, 'url' | 'adminPassword' | 'log'> = {
  tasksPerDay: 3000,
  speed: 60,
  hours: 24,
  startHour: 8,
  nurses: 4,
  handlingMinutes: 12,
  answerRate: 0.85,
  outcomeMix: { dispatch_unit: 0.45, phone_advice: 0.3, redirect: 0.25 },
  seed: 1,
};

export const DEMO_PASSWORD = 'demo-password-2026';

// Weighted like the non-conveyed missions in FACTS.md: falls and weakened general condition first.
const CODES = { '774': 30, '745': 25, '781': 8, '782': 6, '783': 8, '744': 6, '775': 7, '785': 5, '764': 5 } as const;
const MUNICIPALITIES = { Oulu: 45, Kempele: 8, Liminka: 4, Muhos: 4, Raahe: 7, Kuusamo: 6, Ii: 4, Pudasjärvi: 3, Ylivieska: 6, Nivala: 4, Haapajärvi: 3, Kalajoki: 4, Siikajoki: 2 } as const;
const SUMMARIES = [
  'Kaatunut kotona, ei pääse ylös, ei näkyviä vammoja',
  'Yleistilan lasku, syönyt huonosti kaksi päivää',
  'Vatsakipua ja ripulia eilisestä',
  'Selkäkipu pahentunut, liikkuminen vaikeaa',
  'Omainen huolissaan, potilas sekava?',
  'Haava säären iholla vuotaa ajoittain',
];
const REDIRECTS = { home_care: 35, home_hospital: 15, health_centre: 30, social_emergency: 8, social_services: 6, mental_health_substance: 6 } as const;
const ADVICE = { self_care: 40, contact_health_centre: 35, call_back_if_worse: 25 } as const;

type Json = Record<string, unknown>;

class Client {
  private cookie = '';
  constructor(
    private readonly base: string,
    private readonly bearer?: string,
  ) {}

  async call(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<{ status: number; body: Json }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const res = await fetch(this.base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
  }

  async login(username: string, password: string): Promise<void> {
    const res = await this.call('POST', '/api/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export interface SimulationResult {
  created: number;
  closed: Record<string, number>;
  callAttempts: number;
  escalated: number;
  errors: number;
  meanMinutesToFirstCall: number | null;
  realSeconds: number;
}

/** Creates (or reuses) the simulated nurses, a shift leader and a manager with DEMO_PASSWORD. */
async function ensureDemoUsers(admin: Client, nurses: number): Promise<string[]> {
  const users = [
    ...Array.from({ length: nurses }, (_, i) => ({ username: `sim.nurse${i + 1}`, displayName: `Simuloitu hoitaja ${i + 1}`, role: 'nurse' })),
    { username: 'sim.leader', displayName: 'Simuloitu vuoroesihenkilö', role: 'shift_leader' },
    { username: 'sim.manager', displayName: 'Simuloitu esihenkilö', role: 'manager' },
  ];
  for (const u of users) {
    const res = await admin.call('POST', '/api/users', { ...u, password: DEMO_PASSWORD });
    if (res.status !== 201 && !(res.status === 409 && (res.body.error as Json | undefined)?.code === 'USERNAME_TAKEN')) {
      throw new Error(`creating ${u.username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  return users.filter((u) => u.role === 'nurse').map((u) => u.username);
}

/**
 * Drives a running console as a situation centre would: the ERC sends D-tasks by a Poisson process
 * with a daily profile, and simulated nurses take the next task, call, assess and close it with the
 * configured outcome mix, at real or accelerated time.
 */
export async function runSimulation(o: SimulationOptions): Promise<SimulationResult> {
  const random = seededRandom(o.seed);
  const admin = new Client(o.url);
  await admin.login('admin', o.adminPassword);
  const keyRes = await admin.call('POST', '/api/integration-keys', { name: `simulator ${new Date().toISOString()}` });
  if (keyRes.status !== 201) throw new Error(`integration key: ${keyRes.status}`);
  const erc = new Client(o.url, String(keyRes.body.key));
  const nurseNames = await ensureDemoUsers(admin, o.nurses);

  const result: SimulationResult = { created: 0, closed: { dispatch_unit: 0, phone_advice: 0, redirect: 0 }, callAttempts: 0, escalated: 0, errors: 0, meanMinutesToFirstCall: null, realSeconds: 0 };
  const firstCallWaits: number[] = [];
  const started = Date.now();
  const simEnd = o.hours * 3600;
  const simNow = () => ((Date.now() - started) / 1000) * o.speed;
  const sleepSim = (simSeconds: number) => new Promise((r) => setTimeout(r, (simSeconds / o.speed) * 1000));
  const runId = `${Date.now().toString(36)}`;

  async function arrivals(): Promise<void> {
    let t = 0;
    for (let n = 1; ; n++) {
      const hour = (o.startHour + Math.floor(t / 3600)) % 24;
      t += nextGap(ratePerSecond(o.tasksPerDay, hour), random);
      if (t >= simEnd) return;
      const wait = t - simNow();
      if (wait > 0) await sleepSim(wait);
      const res = await erc.call('POST', '/api/intake/tasks', {
        ercTaskId: `SIM-${runId}-${n}`,
        urgency: 'D',
        taskCode: pick(CODES, random),
        receivedAt: new Date().toISOString(),
        municipality: pick(MUNICIPALITIES, random),
        address: `Simulaatiokatu ${1 + Math.floor(random() * 99)}`,
        callbackPhone: `+35840${String(1_000_000 + Math.floor(random() * 8_999_999))}`,
        patientAge: 18 + Math.floor(random() * 80),
        patientSex: random() < 0.55 ? 'female' : 'male',
        summary: SUMMARIES[Math.floor(random() * SUMMARIES.length)]!,
      });
      if (res.status === 201) result.created++;
      else result.errors++;
    }
  }

  async function nurse(username: string): Promise<void> {
    const client = new Client(o.url);
    await client.login(username, DEMO_PASSWORD);
    while (simNow() < simEnd + 3600) {
      const next = await client.call('POST', '/api/tasks/next', {});
      if (next.status === 404) {
        if (simNow() >= simEnd) return;
        await sleepSim(60);
        continue;
      }
      if (next.status !== 200) {
        result.errors++;
        await sleepSim(60);
        continue;
      }
      const task = next.body.task as { id: string; receivedAt: string; firstCallAt: string | null; escalatedAt: string | null };
      const handling = -Math.log(1 - random()) * o.handlingMinutes * 60;
      await sleepSim(Math.min(handling * 0.2, 300));
      const answered = random() < o.answerRate;
      const call = await client.call('POST', `/api/tasks/${task.id}/call-attempts`, { result: answered ? 'answered' : pick({ no_answer: 6, busy: 3, line_failure: 1 }, random) }, `${task.id}-${result.callAttempts}-${username}`);
      result.callAttempts++;
      if (!task.firstCallAt) firstCallWaits.push((Date.now() - Date.parse(task.receivedAt)) / 1000 * o.speed / 60);
      if (call.status !== 201) {
        result.errors++;
        continue;
      }
      const after = call.body.task as { id: string; version: number; state: string; escalatedAt: string | null };
      if (after.state !== 'in_assessment') continue; // back in the queue as a call-back
      let version = after.version;
      const escalated = after.escalatedAt !== null;
      if (escalated) result.escalated++;
      const redFlag = !escalated && answered && random() < 0.08;
      if (answered && !escalated) {
        const saved = await client.call('PUT', `/api/tasks/${task.id}/assessment`, {
          version,
          chiefComplaint: 'Simuloitu arvio',
          redFlags: redFlag ? ['severe_pain'] : [],
          vitals: { heartRate: 60 + Math.floor(random() * 40) },
          currentServices: random() < 0.3 ? ['home_care_client'] : [],
        });
        if (saved.status === 200) version = (saved.body.task as { version: number }).version;
        await sleepSim(handling * 0.8);
      }
      const type = escalated || redFlag ? 'dispatch_unit' : pick(o.outcomeMix, random);
      const outcome =
        type === 'dispatch_unit'
          ? { type, unitLevel: random() < 0.8 ? 'BLS' : 'ALS', urgency: redFlag ? 'C' : 'D', reason: escalated && !answered ? 'unreachable' : redFlag ? 'red_flag' : 'clinical_need' }
          : type === 'phone_advice'
            ? { type, advice: pick(ADVICE, random), rationale: 'Simuloitu puhelinohjaus' }
            : { type, target: pick(REDIRECTS, random), handoffTo: 'Simuloitu vastaanottaja', rationale: 'Simuloitu ohjaus' };
      const closed = await client.call('POST', `/api/tasks/${task.id}/outcome`, { version, ...outcome }, `${task.id}-outcome`);
      if (closed.status === 200) result.closed[type] = (result.closed[type] ?? 0) + 1;
      else result.errors++;
    }
  }

  const progress = setInterval(() => {
    const simHours = simNow() / 3600;
    o.log(`sim ${simHours.toFixed(1)} h (hour of day ${(o.startHour + Math.floor(simHours)) % 24}): ${result.created} tasks, closed ${JSON.stringify(result.closed)}, escalated ${result.escalated}, errors ${result.errors}`);
  }, 10_000);
  try {
    await Promise.all([arrivals(), ...nurseNames.map((n) => nurse(n))]);
  } finally {
    clearInterval(progress);
  }
  result.realSeconds = (Date.now() - started) / 1000;
  result.meanMinutesToFirstCall = firstCallWaits.length ? firstCallWaits.reduce((a, b) => a + b, 0) / firstCallWaits.length : null;
  return result;
}


/** The closing summary of a run, for people. */
export function simulationReport(result: SimulationResult): string {
  const closed = Object.values(result.closed).reduce((a, b) => a + b, 0);
  const avoided = (result.closed.phone_advice ?? 0) + (result.closed.redirect ?? 0);
  return [
    `simulated: ${result.created} tasks received, ${closed} closed (${JSON.stringify(result.closed)})`,
    `avoided unit dispatches: ${avoided} (${closed ? ((100 * avoided) / closed).toFixed(1) : '0'} % of closed), escalated by the safety net: ${result.escalated}`,
    `call attempts: ${result.callAttempts}, mean time to first call: ${result.meanMinutesToFirstCall?.toFixed(1) ?? '-'} simulated min, errors: ${result.errors}`,
    `real time: ${result.realSeconds.toFixed(0)} s`,
  ].join('\n');
}

