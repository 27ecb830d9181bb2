/**
 * The content part of a send request (api-contract.md, Notifications): message, #default template,
 * unified payload. Every rule that needs no other field of the request is checked here, so one 400
 * lists every bad field; size and target rules are in problems.ts.
 */
import { z } from 'zod';
import { apnsIssues } from './apns';
import { fcmMessageIssues, isReservedDataKey } from './fcm-message';
import type { Issue } from './issues';
import { isObject } from './json';
import { wnsXmlIssues } from './wns';

/** A `.wav` file name without folders (a file in the APNs app bundle or the WNS app package). */
const SOUND = /^[\w-][\w .-]{0,250}\.wav$/i;

const isOptionalText = (value: unknown) => value === undefined || typeof value === 'string';

function reportIssues<T>(check: (value: T) => Issue[]) {
  return (value: T, ctx: z.RefinementCtx) => {
    for (const { path, message } of check(value)) ctx.addIssue({ code: 'custom', message, path });
  };
}

/** Custom keys go beside `aps` (APNs) and into `data` (FCM): neither `aps` nor FCM's reserved. */
function customKeyIssues(custom: Record<string, unknown>): Issue[] {
  return Object.keys(custom).flatMap((key): Issue[] => {
    if (key === 'aps') return [{ path: [key], message: '"aps" is APNs\'s own key.' }];
    if (isReservedDataKey(key)) {
      return [{ path: [key], message: `"${key}" is a data key reserved by FCM.` }];
    }
    return [];
  });
}

const TemplateParametersSchema = z
  .strictObject({
    title: z.string().min(1).optional(),
    body: z.string().min(1).optional(),
    badge: z.number().int().min(0).optional(),
    sound: z
      .string()
      .refine((s) => s === 'default' || SOUND.test(s), {
        message: 'sound must be "default" or the name of a .wav file.',
      })
      .optional(),
    custom: z.record(z.string(), z.unknown()).superRefine(reportIssues(customKeyIssues)).optional(),
  })
  .refine((p) => p.title === undefined || p.body !== undefined, {
    message: 'body is required when title is given.',
    path: ['body'],
    when: ({ value }) =>
      isObject(value) && isOptionalText(value.title) && isOptionalText(value.body),
  });

/** `template`: only `#default` exists; its parameters are checked field by field. */
export const TemplateSchema = z.strictObject({
  name: z.literal('#default', { error: 'Unknown template name; the only one is "#default".' }),
  parameters: TemplateParametersSchema.default({}),
});
export type Template = z.infer<typeof TemplateSchema>;

const WnsSectionSchema = z
  .union([z.string(), z.strictObject({ type: z.literal('raw'), body: z.string().min(1) })], {
    error: 'wns must be an XML string (toast, tile or badge) or {"type": "raw", "body": string}.',
  })
  .superRefine((wns, ctx) => {
    if (typeof wns === 'string') reportIssues(wnsXmlIssues)(wns, ctx);
  });

/** `payload`: one section per provider, each checked against its provider's rules. */
export const UnifiedPayloadSchema = z.strictObject({
  services: z
    .strictObject({
      apns: z.record(z.string(), z.unknown()).superRefine(reportIssues(apnsIssues)).optional(),
      fcm: z.record(z.string(), z.unknown()).superRefine(reportIssues(fcmMessageIssues)).optional(),
      wns: WnsSectionSchema.optional(),
      syniverse: z.string().min(1).optional(),
    })
    .default({}),
});
export type UnifiedPayload = z.infer<typeof UnifiedPayloadSchema>;
export type UnifiedServices = UnifiedPayload['services'];

/** What a notification sends, as stored: any of message, template and unified payload. */
export type NotificationContent = {
  message?: string;
  template?: Template;
  payload?: UnifiedPayload;
};
