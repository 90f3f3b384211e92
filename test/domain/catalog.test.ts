import {
  adjustResource, BACKUP_STORAGE_TB, BASE_STORAGE_TB, BOW_CARD_SIZES, CATALOG, poolOf, ResourceRequestInput, storageTb,
  validateResourceRequest,
} from '../../src/domain';

const rules = (req: ResourceRequestInput) => validateResourceRequest(req).map((v) => v.rule);

describe('catalogue (K1–K4) and resource requests (A2)', () => {
  test('K1: each type belongs to one pool', () => {
    expect(poolOf('T4')).toBe('DEDICATED');
    expect(poolOf('H100')).toBe('DEDICATED');
    expect(poolOf('BOW')).toBe('SHARED');
  });

  test('K1–K4: the catalogue is JSON data with the specs per unit, storage, OS, environments and SaaS', () => {
    const json = JSON.parse(JSON.stringify(CATALOG)) as typeof CATALOG;
    expect(json).toEqual(CATALOG);
    const t4 = CATALOG.types.find((t) => t.id === 'T4');
    const h100 = CATALOG.types.find((t) => t.id === 'H100');
    const bow = CATALOG.types.find((t) => t.id === 'BOW');
    expect(t4).toMatchObject({ pool: 'DEDICATED', teraflopsPerUnit: 16, cpuCoresPerUnit: 12, memoryGbPerUnit: 175, acceleratorsPerUnit: 2 });
    expect(h100).toMatchObject({ pool: 'DEDICATED', teraflopsPerUnit: 67, cpuCoresPerUnit: 12, memoryGbPerUnit: 225 });
    expect(bow).toMatchObject({ pool: 'SHARED', teraflopsPerUnit: 87.5, node: { cpuCores: 32, memoryGb: 800 }, cardSizes: [1, 2, 4, 8, 16], notAcceptedFromCards: 32 });
    expect(CATALOG.storage).toMatchObject({ baseTb: 50, backupTb: 20, extraRequiresReason: true });
    expect(BASE_STORAGE_TB).toBe(50);
    expect(BACKUP_STORAGE_TB).toBe(20);
    expect(CATALOG.operatingSystems.map((o) => o.minimumVersion)).toEqual(['20.04', '2019']);
    expect(CATALOG.environments.DEDICATED.software.map((s) => `${s.name} ${s.version}`)).toEqual([
      'NVIDIA driver 535.104.12', 'conda 23.9.0', 'Python 3.10.12', 'TensorFlow 2.12.1', 'PyTorch 2.0.1',
    ]);
    expect(CATALOG.environments.SHARED.software.map((s) => s.version)).toEqual(['23.9.3', '3.2']);
    expect(CATALOG.saas.pools).toEqual(['DEDICATED']);
    expect(CATALOG.saas.services).toHaveLength(9);
    for (const p of CATALOG.pools) expect(p.nameKo && p.nameEn).toBeTruthy();
    expect(CATALOG.pools.map((p) => p.nameKo)).toEqual(['전용풀', '공용풀']);
  });

  test('K1/K4: a dedicated request with an OS is accepted; a BOW request of 1–16 cards is accepted', () => {
    expect(validateResourceRequest({ pool: 'DEDICATED', type: 'H100', units: 1, os: 'UBUNTU' })).toEqual([]);
    expect(validateResourceRequest({ pool: 'DEDICATED', type: 'T4', units: 2, os: 'WINDOWS', osVersion: '2022' })).toEqual([]);
    for (const units of BOW_CARD_SIZES) expect(validateResourceRequest({ pool: 'SHARED', type: 'BOW', units })).toEqual([]);
  });

  test('A2/K1: the type must belong to the requested pool', () => {
    expect(rules({ pool: 'SHARED', type: 'H100', units: 1 })).toContain('A2');
    expect(rules({ pool: 'DEDICATED', type: 'BOW', units: 4, os: 'UBUNTU' })).toContain('A2');
    expect(rules({ pool: 'CLOUD', type: 'A100', units: 1 })).toEqual(['K1', 'K1']);
  });

  test('K1: BOW cards only in sizes 1/2/4/8/16; 32 or more not accepted (미모집)', () => {
    expect(rules({ pool: 'SHARED', type: 'BOW', units: 3 })).toEqual(['K1']);
    expect(rules({ pool: 'SHARED', type: 'BOW', units: 12 })).toEqual(['K1']);
    const v32 = validateResourceRequest({ pool: 'SHARED', type: 'BOW', units: 32 });
    expect(v32).toHaveLength(1);
    expect(v32[0]?.message).toMatch(/K1: 32 .*not accepted/);
    expect(v32[0]?.field).toBe('units');
    expect(rules({ pool: 'SHARED', type: 'BOW', units: 64 })).toEqual(['K1']);
    expect(rules({ pool: 'SHARED', type: 'BOW', units: 0 })).toEqual(['K1']);
  });

  test('K1: dedicated units are whole servers, at least 1', () => {
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: 0, os: 'UBUNTU' })).toEqual(['K1']);
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: 1.5, os: 'UBUNTU' })).toEqual(['K1']);
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: -1, os: 'UBUNTU' })).toEqual(['K1']);
  });

  test('K4: the OS is required for dedicated and refused for shared; versions below the minimum are refused', () => {
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: 1 })).toEqual(['K4']);
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: 1, os: null })).toEqual(['K4']);
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: 1, os: 'CENTOS' })).toEqual(['K4']);
    expect(rules({ pool: 'SHARED', type: 'BOW', units: 1, os: 'UBUNTU' })).toEqual(['K4']);
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: 1, os: 'UBUNTU', osVersion: '18.04' })).toEqual(['K4']);
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: 1, os: 'UBUNTU', osVersion: '20.04' })).toEqual([]);
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: 1, os: 'UBUNTU', osVersion: '22.04' })).toEqual([]);
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: 1, os: 'WINDOWS', osVersion: '2016' })).toEqual(['K4']);
    expect(rules({ pool: 'DEDICATED', type: 'T4', units: 1, os: 'WINDOWS', osVersion: 'latest' })).toEqual(['K4']);
  });

  test('K3: extra storage only with a reason', () => {
    expect(rules({ pool: 'SHARED', type: 'BOW', units: 1, extraStorageTb: 10 })).toEqual(['K3']);
    expect(rules({ pool: 'SHARED', type: 'BOW', units: 1, extraStorageTb: 10, extraStorageReason: '   ' })).toEqual(['K3']);
    expect(rules({ pool: 'SHARED', type: 'BOW', units: 1, extraStorageTb: 10, extraStorageReason: '학습 데이터 80TB' })).toEqual([]);
    expect(rules({ pool: 'SHARED', type: 'BOW', units: 1, extraStorageTb: 0 })).toEqual([]);
    expect(rules({ pool: 'SHARED', type: 'BOW', units: 1, extraStorageTb: -5, extraStorageReason: 'x' })).toEqual(['K3']);
    expect(storageTb({ extraStorageTb: 30 })).toEqual({ storageTb: 80, backupTb: 20 });
    expect(storageTb({})).toEqual({ storageTb: 50, backupTb: 20 });
  });

  test('Q1: BOW cards move one step along 1/2/4/8/16; none beyond the ends', () => {
    expect(adjustResource({ type: 'BOW', units: 1 }, 'INCREASE')).toEqual({ pool: 'SHARED', type: 'BOW', units: 2 });
    expect(adjustResource({ type: 'BOW', units: 8 }, 'INCREASE')).toEqual({ pool: 'SHARED', type: 'BOW', units: 16 });
    expect(adjustResource({ type: 'BOW', units: 16 }, 'INCREASE')).toBeNull();
    expect(adjustResource({ type: 'BOW', units: 4 }, 'DECREASE')).toEqual({ pool: 'SHARED', type: 'BOW', units: 2 });
    expect(adjustResource({ type: 'BOW', units: 1 }, 'DECREASE')).toBeNull();
    expect(adjustResource({ type: 'BOW', units: 3 }, 'INCREASE')).toBeNull();
  });

  test('Q1: a dedicated server moves one type: T4 ↔ H100', () => {
    expect(adjustResource({ type: 'T4', units: 1 }, 'INCREASE')).toEqual({ pool: 'DEDICATED', type: 'H100', units: 1 });
    expect(adjustResource({ type: 'H100', units: 2 }, 'DECREASE')).toEqual({ pool: 'DEDICATED', type: 'T4', units: 2 });
    expect(adjustResource({ type: 'H100', units: 1 }, 'INCREASE')).toBeNull();
    expect(adjustResource({ type: 'T4', units: 1 }, 'DECREASE')).toBeNull();
  });
});
