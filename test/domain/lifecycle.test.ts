import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACTIVE_MEMBER_STATUSES,
  ALLOCATABLE_STATUSES,
  APPLICATION_STATUSES,
  EDITABLE_STATUSES,
  EXCLUDABLE_STATUSES,
  FINAL_STATUSES,
  GRANTED_STATUSES,
  HOLDING_CAPACITY_STATUSES,
  OPERATOR_TODAY_STATUSES,
  RECORD_STATUSES,
  SUPPORTED_STATUSES,
  SUPPORT_RUNNING_STATUSES,
  TITLE_FREEING_STATUSES,
  WAITING_FOR_BATCH_STATUSES,
  hasStatus,
  type RecordStatus,
} from '../../src/domain';

/** Every named set of src/domain/lifecycle.ts, by name. */
const SETS: Record<string, readonly RecordStatus[]> = {
  FINAL_STATUSES,
  TITLE_FREEING_STATUSES,
  EDITABLE_STATUSES,
  WAITING_FOR_BATCH_STATUSES,
  ACTIVE_MEMBER_STATUSES,
  EXCLUDABLE_STATUSES,
  ALLOCATABLE_STATUSES,
  HOLDING_CAPACITY_STATUSES,
  SUPPORT_RUNNING_STATUSES,
  SUPPORTED_STATUSES,
  GRANTED_STATUSES,
  OPERATOR_TODAY_STATUSES,
};

const ROOT = join(__dirname, '..', '..', '..'); // dist/test/domain → the repository

/** The transitions of the README's lifecycle diagram ("X --> Y: ..."), as written. */
function readmeTransitions(): Array<[string, string]> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## The lifecycle')[1]?.split('```')[1] ?? '';
  return [...section.matchAll(/^\s*(\S+) --> ([^:\s]+)/gm)].map((m) => [m[1]!, m[2]!]);
}

const subset = (a: readonly string[], b: readonly string[]) => a.filter((s) => !b.includes(s));
const overlap = (a: readonly string[], b: readonly string[]) => a.filter((s) => b.includes(s));

describe('V1: the lifecycle statuses and their named sets', () => {
  it('every status is named once; a record adds only DRAFT (A1)', () => {
    expect(new Set(APPLICATION_STATUSES).size).toBe(APPLICATION_STATUSES.length);
    expect(subset(RECORD_STATUSES, APPLICATION_STATUSES)).toEqual(['DRAFT']);
  });

  it.each(Object.entries(SETS))('%s is a set of known statuses, each once', (_name, set) => {
    expect(subset(set, RECORD_STATUSES)).toEqual([]);
    expect(new Set(set).size).toBe(set.length);
  });

  it('only EDITABLE_STATUSES (A6, I5) covers a DRAFT: the others are about submitted applications', () => {
    const withDraft = Object.entries(SETS).filter(([, set]) => set.includes('DRAFT')).map(([name]) => name);
    expect(withDraft).toEqual(['EDITABLE_STATUSES']);
  });

  it('hasStatus answers for a row\'s string and refuses an unknown one', () => {
    expect(hasStatus(FINAL_STATUSES, 'WITHDRAWN')).toBe(true);
    expect(hasStatus(FINAL_STATUSES, 'IN_OPERATION')).toBe(false);
    expect(hasStatus(FINAL_STATUSES, 'withdrawn')).toBe(false);
  });

  it('README diagram: every state it draws is a known status', () => {
    const states = readmeTransitions().flat().filter((s) => s !== '[*]');
    expect(states.length).toBeGreaterThan(10);
    expect(subset(states, RECORD_STATUSES)).toEqual([]);
  });

  it('README diagram: a FINAL status has no transition but the end, and every end is FINAL (V1)', () => {
    const transitions = readmeTransitions();
    const leaving = transitions.filter(([from, to]) => hasStatus(FINAL_STATUSES, from) && to !== '[*]');
    expect(leaving).toEqual([]);
    const ends = transitions.filter(([, to]) => to === '[*]').map(([from]) => from);
    expect(subset(ends, FINAL_STATUSES)).toEqual([]);
  });

  it('README diagram: every non-final status drawn has a way on', () => {
    const transitions = readmeTransitions();
    const drawn = new Set(transitions.flat().filter((s) => s !== '[*]'));
    const stuck = [...drawn].filter((s) => !hasStatus(FINAL_STATUSES, s) && !transitions.some(([from, to]) => from === s && to !== s));
    expect(stuck).toEqual([]);
  });

  it.each(Object.entries(SETS).filter(([name]) => name !== 'FINAL_STATUSES' && name !== 'TITLE_FREEING_STATUSES' && name !== 'GRANTED_STATUSES' && name !== 'SUPPORTED_STATUSES'))(
    '%s holds no FINAL status (nothing is done to a finished application)',
    (_name, set) => {
      expect(overlap(set, FINAL_STATUSES)).toEqual([]);
    },
  );

  it('A2: a status that frees the title is final', () => {
    expect(subset(TITLE_FREEING_STATUSES, FINAL_STATUSES)).toEqual([]);
  });

  it('E4/E6: exclusion is before allocation: EXCLUDABLE and SUPPORTED are disjoint', () => {
    expect(overlap(EXCLUDABLE_STATUSES, SUPPORTED_STATUSES)).toEqual([]);
  });

  it('V2: a batch member still evaluated has no grant yet', () => {
    expect(overlap(ACTIVE_MEMBER_STATUSES, GRANTED_STATUSES)).toEqual([]);
  });

  it('K5/O1: running support holds capacity, capacity held is a grant, allocatable ones are granted and excludable', () => {
    expect(subset(SUPPORT_RUNNING_STATUSES, HOLDING_CAPACITY_STATUSES)).toEqual([]);
    expect(subset(SUPPORT_RUNNING_STATUSES, SUPPORTED_STATUSES)).toEqual([]);
    expect(subset(HOLDING_CAPACITY_STATUSES, GRANTED_STATUSES)).toEqual([]);
    expect(subset(SUPPORTED_STATUSES, GRANTED_STATUSES)).toEqual([]);
    expect(subset(ALLOCATABLE_STATUSES, GRANTED_STATUSES)).toEqual([]);
    expect(subset(ALLOCATABLE_STATUSES, EXCLUDABLE_STATUSES)).toEqual([]);
  });

  it('V7: a waitlisted application holds no capacity (it waits for capacity to free)', () => {
    expect(hasStatus(HOLDING_CAPACITY_STATUSES, 'WAITLISTED')).toBe(false);
  });
});
