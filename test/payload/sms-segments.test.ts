/** SMS segment counting (providers.md §6). */
import { describe, expect, it } from 'vitest';
import { countSmsSegments } from '../../src/payload/sms-segments';

describe('countSmsSegments', () => {
  it.each<[string, string, ReturnType<typeof countSmsSegments>]>([
    [
      'one GSM-7 segment when the text is 160 plain letters',
      'a'.repeat(160),
      { encoding: 'GSM-7', units: 160, segments: 1 },
    ],
    [
      'two GSM-7 segments when the text is 161 plain letters',
      'a'.repeat(161),
      { encoding: 'GSM-7', units: 161, segments: 2 },
    ],
    [
      'three GSM-7 segments when the text is 307 septets',
      'a'.repeat(307),
      { encoding: 'GSM-7', units: 307, segments: 3 },
    ],
    [
      'UCS-2 in three segments when the text is 70 emoji',
      '😎'.repeat(70),
      { encoding: 'UCS-2', units: 140, segments: 3 },
    ],
    [
      'UCS-2 when a single typographic apostrophe is present',
      'It’s',
      { encoding: 'UCS-2', units: 4, segments: 1 },
    ],
    [
      'one UCS-2 segment when the text is 70 units',
      'ж'.repeat(70),
      { encoding: 'UCS-2', units: 70, segments: 1 },
    ],
    [
      'two UCS-2 segments when the text is 71 units',
      'ж'.repeat(71),
      { encoding: 'UCS-2', units: 71, segments: 2 },
    ],
    [
      'two septets per extension character when the text has euro signs',
      '€'.repeat(80),
      { encoding: 'GSM-7', units: 160, segments: 1 },
    ],
    [
      'a second segment when extension characters pass 160 septets',
      `${'{'.repeat(80)}a`,
      { encoding: 'GSM-7', units: 161, segments: 2 },
    ],
    [
      'GSM-7 when the text uses Greek capitals, accents and signs of the basic table',
      'ΔΦΓΛΩΠΨΣΘΞ £¥èéùìòÇØøÅåÆæßÉ¤¡ÄÖÑÜ§¿äöñüà@$_\n\r',
      { encoding: 'GSM-7', units: 45, segments: 1 },
    ],
    [
      'UCS-2 when the text has a backtick, which GSM-7 lacks',
      'a`b',
      { encoding: 'UCS-2', units: 3, segments: 1 },
    ],
    [
      'UCS-2 when the text has a letter outside the table',
      'café ç',
      { encoding: 'UCS-2', units: 6, segments: 1 },
    ],
    ['no segment when the text is empty', '', { encoding: 'GSM-7', units: 0, segments: 0 }],
  ])('counts %s', (_, text, expected) => {
    expect(countSmsSegments(text)).toEqual(expected);
  });

  it('moves an escape sequence to the next part when it would straddle two parts', () => {
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(countSmsSegments(text)).toEqual({ encoding: 'GSM-7', units: 306, segments: 3 });
  });

  it('moves a surrogate pair to the next part when it would straddle two parts', () => {
    expect(countSmsSegments('😎'.repeat(67))).toEqual({
      encoding: 'UCS-2',
      units: 134,
      segments: 3,
    });
  });
});
