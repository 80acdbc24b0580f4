import type { AssessmentFields } from '../../../../../server/contracts/tasks.ts';
import { protocolAnswersFrom, protocolFormFrom, type ProtocolForm } from '../../protocols/utils/protocol-form.ts';

// The assessment as the nurse types it (all text), and its conversion to the API's shape.

export const VITAL_KEYS = ['heartRate', 'respiratoryRate', 'systolicBp', 'diastolicBp', 'spo2', 'temperature', 'bloodGlucose'] as const;
export type VitalKey = (typeof VITAL_KEYS)[number];

/** The ranges the API accepts (server/contracts/tasks.ts, Vitals). */
export const VITAL_RANGES: Record<VitalKey, { min: number; max: number }> = {
  heartRate: { min: 20, max: 250 },
  respiratoryRate: { min: 4, max: 60 },
  systolicBp: { min: 50, max: 300 },
  diastolicBp: { min: 20, max: 200 },
  spo2: { min: 50, max: 100 },
  temperature: { min: 30, max: 44 },
  bloodGlucose: { min: 0.5, max: 50 },
};

export const CONSCIOUSNESS_LEVELS = ['alert', 'voice', 'pain', 'unresponsive'] as const;
export type Consciousness = (typeof CONSCIOUSNESS_LEVELS)[number];

/** Services the patient already has; the API takes any identifier, these are the ones offered. */
export const SERVICE_IDS = [
  'home_care_client',
  'home_hospital_client',
  'social_services_client',
  'mental_health_substance_client',
  'assisted_living_resident',
] as const;

export interface AssessmentForm {
  chiefComplaint: string;
  onset: string;
  redFlags: string[];
  vitals: Record<VitalKey, string>;
  consciousness: Consciousness | '';
  currentServices: string[];
  notes: string;
  /** The protocol answers (features/protocols); null until the first answer. */
  protocol: ProtocolForm | null;
}

const emptyVitals = (): Record<VitalKey, string> => ({
  heartRate: '',
  respiratoryRate: '',
  systolicBp: '',
  diastolicBp: '',
  spo2: '',
  temperature: '',
  bloodGlucose: '',
});

export function emptyAssessmentForm(): AssessmentForm {
  return { chiefComplaint: '', onset: '', redFlags: [], vitals: emptyVitals(), consciousness: '', currentServices: [], notes: '', protocol: null };
}

export function isConsciousness(value: unknown): value is Consciousness {
  return CONSCIOUSNESS_LEVELS.some((level) => level === value);
}

/** The form showing what the server has saved. */
export function formFromAssessment(saved: AssessmentFields | null): AssessmentForm {
  const form = emptyAssessmentForm();
  if (!saved) return form;
  for (const key of VITAL_KEYS) {
    const value = saved.vitals[key];
    if (value !== undefined) form.vitals[key] = String(value);
  }
  return {
    ...form,
    chiefComplaint: saved.chiefComplaint ?? '',
    onset: saved.onset ?? '',
    redFlags: [...saved.redFlags],
    consciousness: saved.vitals.consciousness ?? '',
    currentServices: [...saved.currentServices],
    notes: saved.notes ?? '',
    protocol: protocolFormFrom(saved.protocol),
  };
}

/** A typed measurement: "37,5" and "37.5" are the same; '' is no value; null is not a valid number. */
export function parseMeasure(text: string, key: VitalKey): number | undefined | null {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  const { min, max } = VITAL_RANGES[key];
  return value >= min && value <= max ? value : null;
}

/** The API body for the form, or the measurements that are not valid numbers in range. */
export function assessmentFromForm(form: AssessmentForm): { ok: true; value: AssessmentFields } | { ok: false; invalid: VitalKey[] } {
  const vitals: AssessmentFields['vitals'] = {};
  const invalid: VitalKey[] = [];
  for (const key of VITAL_KEYS) {
    const value = parseMeasure(form.vitals[key], key);
    if (value === null) invalid.push(key);
    else if (value !== undefined) vitals[key] = value;
  }
  if (invalid.length > 0) return { ok: false, invalid };
  if (form.consciousness) vitals.consciousness = form.consciousness;
  const value: AssessmentFields = { redFlags: form.redFlags, vitals, currentServices: form.currentServices };
  const chiefComplaint = form.chiefComplaint.trim();
  const onset = form.onset.trim();
  const notes = form.notes.trim();
  if (chiefComplaint) value.chiefComplaint = chiefComplaint;
  if (onset) value.onset = onset;
  if (notes) value.notes = notes;
  if (form.protocol) value.protocol = protocolAnswersFrom(form.protocol);
  return { ok: true, value };
}
