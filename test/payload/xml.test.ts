/** Well-formedness of WNS XML payloads (providers.md §3.2) and their notification type. */
import { describe, expect, it } from 'vitest';
import { wnsXmlIssues, wnsXmlType } from '../../src/payload/wns';
import { escapeXml, xmlRootName } from '../../src/payload/xml';

describe('xmlRootName', () => {
  it.each([
    ['<toast/>', 'toast'],
    ['<toast launch="a=1&amp;b=2" x=\'&#x20AC;\'><visual></visual></toast>', 'toast'],
    ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<tile/>\n', 'tile'],
    ['<!-- note --><badge value="1"/><?hint a?>', 'badge'],
    ['<toast><text><![CDATA[<b> & ]]></text><text>a &lt; b &#38; c</text></toast>', 'toast'],
    ['<ns:toast xmlns:ns="urn:x"><ns:a/></ns:toast>', 'ns:toast'],
  ])('returns the root when %s is well-formed', (xml, root) => {
    expect(xmlRootName(xml)).toBe(root);
  });

  it.each([
    ['an element is not closed', '<toast><visual></toast>'],
    ['end tags cross', '<a><b></a></b>'],
    ['there are two roots', '<toast/><toast/>'],
    ['text is outside the root', 'hello<toast/>'],
    ['an ampersand is bare', '<toast>a & b</toast>'],
    ['an entity is not predefined', '<toast>&nbsp;</toast>'],
    ['a character reference names no character', '<toast>&#0;</toast>'],
    ['an attribute is unquoted', '<toast a=1/>'],
    ['an attribute repeats', '<toast a="1" a="2"/>'],
    ['an attribute holds a <', '<toast a="<"/>'],
    ['a comment holds --', '<toast><!-- a -- b --></toast>'],
    ['it has a DTD', '<!DOCTYPE toast><toast/>'],
    ['the declaration is not first', ' <?xml version="1.0"?><toast/>'],
    ['it holds a control character', '<toast>\u0001</toast>'],
    ['text holds ]]>', '<toast>]]></toast>'],
    ['it is empty', ''],
    ['it is not XML', '{"a":1}'],
  ])('returns null when %s', (_, xml) => {
    expect(xmlRootName(xml)).toBeNull();
  });
});

describe('wnsXmlType', () => {
  it('gives the X-WNS-Type of the root when it is toast, tile or badge', () => {
    expect(wnsXmlType('<toast/>')).toBe('wns/toast');
    expect(wnsXmlType('<tile/>')).toBe('wns/tile');
    expect(wnsXmlType('<badge value="alert"/>')).toBe('wns/badge');
  });

  it('explains the refusal when the root is another element or the XML is malformed', () => {
    expect(wnsXmlIssues('<Toast/>')).toEqual([
      {
        path: [],
        message: "The WNS payload's root element is Toast; toast, tile or badge expected.",
      },
    ]);
    expect(wnsXmlIssues('<toast>')).toEqual([
      { path: [], message: 'The WNS payload is not well-formed XML.' },
    ]);
  });
});

describe('escapeXml', () => {
  it('escapes the five markup characters when text holds them', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jo'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jo&apos;&lt;/a&gt;',
    );
  });
});
