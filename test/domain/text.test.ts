import { uncarriableCharacter } from '../../src/domain';

describe('S5: which characters a string that enters may hold', () => {
  test('S5: NUL, lone surrogates, C0 controls and DEL are refused in every field', () => {
    for (const s of ['a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', '\u0001', '\u001b[0m', '\u007f', '\u0008']) {
      expect(uncarriableCharacter(s, 'FREE_TEXT')).toMatch(/^S5: /);
      expect(uncarriableCharacter(s, 'LINE')).toMatch(/^S5: /);
    }
    expect(uncarriableCharacter('a\u0000b', 'LINE')).toBe('S5: a NUL character at position 1');
    expect(uncarriableCharacter('ab\ud800', 'LINE')).toBe('S5: a lone surrogate (U+D800) at position 2');
  });

  test('S5: paragraphs (tab, CR, LF) are free text; a one-line field refuses them and C1 controls', () => {
    for (const s of ['line one\nline two', 'a\tb', 'a\r\nb']) {
      expect(uncarriableCharacter(s, 'FREE_TEXT')).toBeUndefined();
      expect(uncarriableCharacter(s, 'LINE')).toMatch(/control character/);
    }
    expect(uncarriableCharacter('a\u0085b', 'FREE_TEXT')).toBeUndefined();
    expect(uncarriableCharacter('a\u0085b', 'LINE')).toMatch(/U\+0085/);
  });

  test('S5: Korean, emoji (paired surrogates), U+FFFD and ordinary punctuation are carried', () => {
    for (const s of ['한국어 음성 인식', '💥🚀', '\ufffd', "O'Brien & <Co> \"x\" %00", '']) {
      expect(uncarriableCharacter(s, 'LINE')).toBeUndefined();
      expect(uncarriableCharacter(s, 'FREE_TEXT')).toBeUndefined();
    }
  });
});
