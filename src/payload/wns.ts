/** WNS payloads (providers.md §3.2): toast XML for text, X-WNS-Type from the root element. */
import type { ProviderPayload } from '../providers/types';
import type { Issue } from './issues';
import { escapeXml, xmlChars, xmlRootName } from './xml';

type WnsPayload = Extract<ProviderPayload, { provider: 'WNS' }>;
type XmlType = 'wns/toast' | 'wns/tile' | 'wns/badge';

const TYPES: Record<string, XmlType> = {
  toast: 'wns/toast',
  tile: 'wns/tile',
  badge: 'wns/badge',
};

/** §3.2: the `X-WNS-Type` of an XML payload, from its root element; null when none fits. */
export function wnsXmlType(xml: string): XmlType | null {
  const root = xmlRootName(xml);
  return root !== null && Object.hasOwn(TYPES, root) ? (TYPES[root] ?? null) : null;
}

/** Why `xml` cannot be sent as a WNS toast, tile or badge; empty when it can. */
export function wnsXmlIssues(xml: string): Issue[] {
  const root = xmlRootName(xml);
  if (root === null) return [{ path: [], message: 'The WNS payload is not well-formed XML.' }];
  if (wnsXmlType(xml) === null) {
    const message = `The WNS payload's root element is ${root}; toast, tile or badge expected.`;
    return [{ path: [], message }];
  }
  return [];
}

/**
 * A ToastGeneric toast with one `<text>` per line. `sound` is a file in the app package, so it
 * gets the `ms-appx:///` prefix; `default` keeps the toast's default sound (no `<audio>`).
 */
export function toastPayload(lines: string[], sound?: string): WnsPayload {
  const texts = lines.map((line) => `<text>${escapeXml(xmlChars(line))}</text>`).join('');
  const visual = `<visual><binding template="ToastGeneric">${texts}</binding></visual>`;
  const audio =
    sound !== undefined && sound !== 'default'
      ? `<audio src="ms-appx:///${escapeXml(xmlChars(sound))}"/>`
      : '';
  return { provider: 'WNS', wnsType: 'wns/toast', body: `<toast>${visual}${audio}</toast>` };
}
