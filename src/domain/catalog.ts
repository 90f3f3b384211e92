/**
 * The resource catalogue (K1–K4) and resource requests (A2, K1, K3, K4), plus the
 * one-step resource changes of the quarterly decision (Q1).
 */
import { z } from 'zod';
import { violation, Violation } from './rules';

export const POOLS = ['DEDICATED', 'SHARED'] as const;
/** K1: 전용풀 (dedicated) or 공용풀 (shared). */
export type Pool = (typeof POOLS)[number];
export const poolSchema = z.enum(POOLS);

export const ACCELERATOR_TYPES = ['T4', 'H100', 'BOW'] as const;
/** K1: the accelerator types on offer. */
export type AcceleratorType = (typeof ACCELERATOR_TYPES)[number];
export const acceleratorTypeSchema = z.enum(ACCELERATOR_TYPES);

/** K1: BOW card sizes one may request; 32 cards or more are not accepted (미모집). */
export const BOW_CARD_SIZES = [1, 2, 4, 8, 16] as const;
/** K1: the smallest BOW request that is not accepted. */
export const BOW_NOT_ACCEPTED_FROM_CARDS = 32;

/** K3: storage every user gets, in TB. */
export const BASE_STORAGE_TB = 50;
/** K3: backup storage every user gets on top, in TB. */
export const BACKUP_STORAGE_TB = 20;

export const OPERATING_SYSTEMS = ['UBUNTU', 'WINDOWS'] as const;
/** K4: the OS a dedicated user chooses (one): Ubuntu Server 20.04 LTS+ or Windows Server 2019+. */
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];
export const operatingSystemSchema = z.enum(OPERATING_SYSTEMS);

const POOL_OF: Record<AcceleratorType, Pool> = { T4: 'DEDICATED', H100: 'DEDICATED', BOW: 'SHARED' };

/** K1: the pool an accelerator type belongs to. */
export function poolOf(type: AcceleratorType): Pool {
  return POOL_OF[type];
}

export function isPool(v: unknown): v is Pool {
  return typeof v === 'string' && (POOLS as readonly string[]).includes(v);
}

export function isAcceleratorType(v: unknown): v is AcceleratorType {
  return typeof v === 'string' && (ACCELERATOR_TYPES as readonly string[]).includes(v);
}

/** K1–K4: the catalogue served by `GET /catalog` (JSON-serialisable data, C4: nothing computed). */
export const CATALOG = {
  pools: [
    {
      id: 'DEDICATED',
      nameKo: '전용풀',
      nameEn: 'Dedicated pool',
      types: ['T4', 'H100'],
      // K2
      exclusiveUse: true,
      monthlyResourceManagement: true,
      descriptionKo: '가속기 서버 1식 단독 사용, 월 단위로 자원관리 시행',
      descriptionEn: 'One accelerator server used exclusively by one user; resources are managed monthly.',
      operatingSystemRequired: true,
    },
    {
      id: 'SHARED',
      nameKo: '공용풀',
      nameEn: 'Shared pool',
      types: ['BOW'],
      exclusiveUse: false,
      monthlyResourceManagement: false,
      descriptionKo: '기본제공(신청용량) 한도 내에서 연산량을 선택하여 사용, 자원관리 미시행',
      descriptionEn: 'Used freely within the requested size; no monthly resource management.',
      operatingSystemRequired: false,
    },
  ],
  types: [
    {
      id: 'T4',
      pool: 'DEDICATED',
      nameKo: 'T4 서버 (NVIDIA T4 ×2)',
      nameEn: 'T4 server (2× NVIDIA T4)',
      unit: 'SERVER',
      unitNameKo: '서버',
      unitNameEn: 'server',
      acceleratorsPerUnit: 2,
      teraflopsPerUnit: 16,
      cpuCoresPerUnit: 12,
      memoryGbPerUnit: 175,
    },
    {
      id: 'H100',
      pool: 'DEDICATED',
      nameKo: 'H100 서버',
      nameEn: 'H100 server',
      unit: 'SERVER',
      unitNameKo: '서버',
      unitNameEn: 'server',
      acceleratorsPerUnit: 1,
      teraflopsPerUnit: 67,
      cpuCoresPerUnit: 12,
      memoryGbPerUnit: 225,
    },
    {
      id: 'BOW',
      pool: 'SHARED',
      nameKo: 'Graphcore Bow IPU',
      nameEn: 'Graphcore Bow IPU',
      unit: 'CARD',
      unitNameKo: '장',
      unitNameEn: 'card',
      teraflopsPerUnit: 87.5,
      // K1: the node the cards run on
      node: { cpuCores: 32, memoryGb: 800 },
      cardSizes: [...BOW_CARD_SIZES],
      notAcceptedFromCards: BOW_NOT_ACCEPTED_FROM_CARDS,
      noteKo: '32장 이상은 미모집',
      noteEn: '32 cards or more are not accepted.',
    },
  ],
  // K3
  storage: {
    baseTb: BASE_STORAGE_TB,
    backupTb: BACKUP_STORAGE_TB,
    extraOnRequest: true,
    extraRequiresReason: true,
    noteKo: '추가 스토리지 용량이 필요한 경우 사유 포함하여 신청서에 기재, 지원용량은 상황에 따라 변동될 수 있음',
    noteEn: 'More storage must be requested with a reason; granted sizes may change.',
  },
  // K4: dedicated pool only, one OS
  operatingSystems: [
    { id: 'UBUNTU', nameKo: 'Ubuntu Server 20.04 LTS (64비트) 이상', nameEn: 'Ubuntu Server 20.04 LTS (64-bit) or later', minimumVersion: '20.04', pools: ['DEDICATED'] },
    { id: 'WINDOWS', nameKo: 'MS Windows Server 2019 이상', nameEn: 'Windows Server 2019 or later', minimumVersion: '2019', pools: ['DEDICATED'] },
  ],
  // K4
  environments: {
    DEDICATED: {
      nameKo: '전용풀 개발환경',
      nameEn: 'Dedicated pool environment',
      software: [
        { name: 'NVIDIA driver', version: '535.104.12', cuda: '12.2' },
        { name: 'conda', version: '23.9.0', cuda: '12.2' },
        { name: 'Python', version: '3.10.12' },
        { name: 'TensorFlow', version: '2.12.1', cuda: '11.8', cudnn: '8.6' },
        { name: 'PyTorch', version: '2.0.1', cuda: '11.8', cudnn: '8.7' },
      ],
      solutions: ['AI EasyMaker', 'DataFlow', 'DataQuery', 'Kafka Instance', 'Log&Crash Search'],
    },
    SHARED: {
      nameKo: '공용풀 개발환경 (컨테이너 기반)',
      nameEn: 'Shared pool environment (container based)',
      containerBased: true,
      software: [
        { name: 'Backend.AI (IPU accelerator)', version: '23.9.3' },
        { name: 'Poplar SDK', version: '3.2' },
      ],
      tools: ['TensorFlow', 'PyTorch', 'Visual Studio Code', 'Web Terminal', 'JupyterLab', 'Jupyter Notebook'],
    },
  },
  // K4: SaaS exists for the dedicated pool only
  saas: {
    pools: ['DEDICATED'],
    services: [
      { id: 'FACE_RECOGNITION', nameKo: '얼굴인식', nameEn: 'Face recognition' },
      { id: 'AI_FASHION', nameKo: 'AI패션', nameEn: 'AI fashion' },
      { id: 'TTS', nameKo: '음성합성', nameEn: 'Text to speech (TTS)' },
      { id: 'STT', nameKo: '음성인식', nameEn: 'Speech to text (STT)' },
      { id: 'CAR_PLATE', nameKo: '자동차번호판인식', nameEn: 'Car plate recognition' },
      { id: 'ID_CARD', nameKo: '신분증 인식', nameEn: 'ID card recognition' },
      { id: 'CREDIT_CARD', nameKo: '신용카드 인식', nameEn: 'Credit card recognition' },
      { id: 'OCR', nameKo: '이미지 문자 영역 인식', nameEn: 'General OCR' },
      { id: 'POSE_ESTIMATION', nameKo: '자세 판단 인식', nameEn: 'Pose estimation' },
    ],
    noteKo: '공용풀은 컨테이너 기반으로 제공되어 SaaS 제공불가',
    noteEn: 'The shared pool is container based: no SaaS.',
  },
} as const;

/** A resource request or allocation (A1, K1, K3, K4). */
export interface ResourceRequest {
  pool: Pool;
  type: AcceleratorType;
  /** Servers (dedicated) or cards (BOW). */
  units: number;
  os?: OperatingSystem | null;
  /** e.g. '22.04' for Ubuntu, '2022' for Windows; optional. */
  osVersion?: string | null;
  /** K3: TB beyond the base 50 TB. */
  extraStorageTb?: number | null;
  extraStorageReason?: string | null;
}

/** The same shape before validation (values straight from a request body). */
export interface ResourceRequestInput {
  pool: string;
  type: string;
  units: number;
  os?: string | null;
  osVersion?: string | null;
  extraStorageTb?: number | null;
  extraStorageReason?: string | null;
}

function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** Every violation of A2/K1/K3/K4 in a resource request; empty when valid. */
export function validateResourceRequest(req: ResourceRequestInput): Violation[] {
  const out: Violation[] = [];
  const poolOk = isPool(req.pool);
  const typeOk = isAcceleratorType(req.type);
  if (!poolOk) out.push(violation('K1', `pool must be one of ${POOLS.join(', ')}`, 'pool'));
  if (!typeOk) out.push(violation('K1', `accelerator type must be one of ${ACCELERATOR_TYPES.join(', ')}`, 'type'));
  if (poolOk && typeOk && poolOf(req.type as AcceleratorType) !== req.pool) {
    out.push(violation('A2', `one pool and one type consistent with it: ${req.type} belongs to the ${poolOf(req.type as AcceleratorType)} pool, not ${req.pool}`, 'type'));
  }
  const pool: Pool | undefined = typeOk ? poolOf(req.type as AcceleratorType) : poolOk ? (req.pool as Pool) : undefined;

  if (typeof req.units !== 'number' || !Number.isInteger(req.units) || req.units < 1) {
    out.push(violation('K1', 'units must be a whole number of at least 1', 'units'));
  } else if (pool === 'SHARED') {
    if (req.units >= BOW_NOT_ACCEPTED_FROM_CARDS) {
      out.push(violation('K1', `${BOW_NOT_ACCEPTED_FROM_CARDS} BOW cards or more are not accepted (미모집)`, 'units'));
    } else if (!(BOW_CARD_SIZES as readonly number[]).includes(req.units)) {
      out.push(violation('K1', `BOW cards come in sizes ${BOW_CARD_SIZES.join(', ')}`, 'units'));
    }
  }

  const hasOs = req.os !== undefined && req.os !== null;
  if (pool === 'DEDICATED') {
    if (!hasOs) {
      out.push(violation('K4', `a dedicated server needs one operating system: ${OPERATING_SYSTEMS.join(' or ')}`, 'os'));
    } else if (!(OPERATING_SYSTEMS as readonly string[]).includes(req.os as string)) {
      out.push(violation('K4', `operating system must be one of ${OPERATING_SYSTEMS.join(', ')}`, 'os'));
    } else if (req.osVersion !== undefined && req.osVersion !== null) {
      const entry = CATALOG.operatingSystems.find((o) => o.id === req.os);
      if (!/^\d+(\.\d+)*$/.test(req.osVersion) || (entry && !versionAtLeast(req.osVersion, entry.minimumVersion))) {
        out.push(violation('K4', `${entry?.nameEn ?? 'OS'}: version ${JSON.stringify(req.osVersion)} is not offered`, 'osVersion'));
      }
    }
  } else if (pool === 'SHARED' && hasOs) {
    out.push(violation('K4', 'the shared pool is container based: no operating system is chosen', 'os'));
  }

  const extra = req.extraStorageTb;
  if (extra !== undefined && extra !== null) {
    if (typeof extra !== 'number' || !Number.isFinite(extra) || extra < 0) {
      out.push(violation('K3', 'extra storage must be a number of TB, 0 or more', 'extraStorageTb'));
    } else if (extra > 0 && (typeof req.extraStorageReason !== 'string' || req.extraStorageReason.trim() === '')) {
      out.push(violation('K3', `storage beyond ${BASE_STORAGE_TB} TB + ${BACKUP_STORAGE_TB} TB backup must be requested with a reason`, 'extraStorageReason'));
    }
  }
  return out;
}

/** K3: total storage of a request (base + extra; backup separate). */
export function storageTb(req: Pick<ResourceRequest, 'extraStorageTb'>): { storageTb: number; backupTb: number } {
  return { storageTb: BASE_STORAGE_TB + (req.extraStorageTb ?? 0), backupTb: BACKUP_STORAGE_TB };
}

export type ResourceAdjustment = 'INCREASE' | 'DECREASE';

/** The part of a resource the quarterly decision changes. */
export interface AllocatedResource {
  type: AcceleratorType;
  units: number;
}

/**
 * Q1: the resource after an increase or decrease, one step: BOW cards move one size along
 * 1/2/4/8/16; a dedicated server moves one type (T4 ↔ H100), keeping its number of
 * servers. null where no step exists (16 cards up, 1 card down, H100 up, T4 down, or a
 * card count that is not a catalogue size). Capacity is checked by the caller (K5).
 */
export function adjustResource(
  resource: AllocatedResource,
  direction: ResourceAdjustment,
): (AllocatedResource & { pool: Pool }) | null {
  const step = direction === 'INCREASE' ? 1 : -1;
  if (resource.type === 'BOW') {
    const sizes: readonly number[] = BOW_CARD_SIZES;
    const i = sizes.indexOf(resource.units);
    const next = i < 0 ? undefined : sizes[i + step];
    return next === undefined ? null : { pool: 'SHARED', type: 'BOW', units: next };
  }
  const ladder: readonly AcceleratorType[] = ['T4', 'H100'];
  const next = ladder[ladder.indexOf(resource.type) + step];
  return next === undefined ? null : { pool: 'DEDICATED', type: next, units: resource.units };
}
