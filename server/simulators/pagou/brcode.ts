/**
 * PIX BR Code: the EMV® QRCPS merchant-presented payload described in Banco Central do
 * Brasil's "Manual de Padrões para Iniciação do Pix". Builds the dynamic (location URL) form
 * the simulator hands out, parses any payload back into its TLV fields, and checks the CRC.
 * Pure and dependency-free (TextEncoder only).
 */

export interface BrCodeInput {
  /** The PSP location URL; a leading `https://` (or any scheme) is dropped. At most 77 chars. */
  locationUrl: string;
  /** Amount in centavos, a positive integer. */
  amount: number;
  merchantName: string;
  merchantCity: string;
  /** Field 62-05. Defaults to '***', as the manual asks for dynamic codes. */
  txid?: string;
}

export interface ParsedBrCode {
  /** Top-level fields by two-digit ID. */
  fields: Record<string, string>;
  /** Sub-fields of ID 26 (Merchant Account Information), empty when absent. */
  merchantAccount: Record<string, string>;
  /** Sub-fields of ID 62 (Additional Data Field Template), empty when absent. */
  additional: Record<string, string>;
  /** True when the payload ends in field 63 (length 04) holding the CRC of everything before its value. */
  crcValid: boolean;
}

const GUI = 'br.gov.bcb.pix';
const MAX_URL = 77;
const MAX_NAME = 25;
const MAX_CITY = 15;
const MAX_AMOUNT_CHARS = 13;

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, unreflected, xorout 0) of the UTF-8 bytes, 4 uppercase hex digits. */
export function crc16(payload: string): string {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(payload)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** One TLV field: ID(2) + length(2, zero-padded) + value. Throws on a value over 99 chars. */
export function tlv(id: string, value: string): string {
  if (!/^\d{2}$/.test(id)) throw new Error(`BR Code field ID must be two digits, got ${JSON.stringify(id)}`);
  if (value.length > 99) throw new RangeError(`BR Code field ${id} is ${value.length} chars, the limit is 99`);
  return id + String(value.length).padStart(2, '0') + value;
}

/** Accents removed, anything outside printable ASCII dropped, whitespace trimmed, cut to `max` chars. */
export function asciiField(value: string, max: number): string {
  return value
    .normalize('NFD')
    .replace(/[^\x20-\x7E]/g, '')
    .trim()
    .slice(0, max)
    .trimEnd();
}

/** Centavos as the decimal string of field 54: 1 → '0.01', 12345 → '123.45'. */
export function formatAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents <= 0) {
    throw new RangeError(`amount must be a positive integer of centavos, got ${cents}`);
  }
  const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  if (text.length > MAX_AMOUNT_CHARS) throw new RangeError(`amount ${text} is longer than ${MAX_AMOUNT_CHARS} chars`);
  return text;
}

/** A dynamic, single-use PIX BR Code pointing at `locationUrl`, with its CRC. */
export function buildBrCode(input: BrCodeInput): string {
  const url = input.locationUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  if (url.length === 0 || url.length > MAX_URL) {
    throw new RangeError(`location URL must be 1–${MAX_URL} chars without scheme, got ${url.length}`);
  }
  const name = asciiField(input.merchantName, MAX_NAME);
  const city = asciiField(input.merchantCity, MAX_CITY);
  if (!name) throw new RangeError('merchant name is empty once reduced to ASCII');
  if (!city) throw new RangeError('merchant city is empty once reduced to ASCII');
  const txid = input.txid ?? '***';
  if (txid !== '***' && !/^[A-Za-z0-9]{1,25}$/.test(txid)) {
    throw new RangeError(`txid must be '***' or 1–25 letters and digits, got ${JSON.stringify(txid)}`);
  }

  const body = [
    tlv('00', '01'),
    tlv('01', '12'),
    tlv('26', tlv('00', GUI) + tlv('25', url)),
    tlv('52', '0000'),
    tlv('53', '986'),
    tlv('54', formatAmount(input.amount)),
    tlv('58', 'BR'),
    tlv('59', name),
    tlv('60', city),
    tlv('62', tlv('05', txid)),
  ].join('') + '6304';
  return body + crc16(body);
}

/** Splits a TLV string into its fields. Throws on a truncated field, a non-numeric ID/length, or a repeated ID. */
export function parseTlv(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    const head = text.slice(at, at + 4);
    if (!/^\d{4}$/.test(head)) throw new SyntaxError(`malformed TLV header ${JSON.stringify(head)} at ${at}`);
    const id = head.slice(0, 2);
    const length = Number(head.slice(2));
    const value = text.slice(at + 4, at + 4 + length);
    if (value.length !== length) throw new SyntaxError(`TLV field ${id} at ${at} is truncated`);
    if (Object.hasOwn(fields, id)) throw new SyntaxError(`TLV field ${id} repeats at ${at}`);
    fields[id] = value;
    at += 4 + length;
  }
  return fields;
}

/** Parses a BR Code into its fields and nested templates (26, 62) and checks its CRC. Throws on malformed TLV. */
export function parseBrCode(payload: string): ParsedBrCode {
  const fields = parseTlv(payload);
  const merchantAccount = fields['26'] === undefined ? {} : parseTlv(fields['26']);
  const additional = fields['62'] === undefined ? {} : parseTlv(fields['62']);
  const crc = fields['63'];
  const crcValid = crc !== undefined
    && payload.slice(-8, -4) === '6304'
    && crc16(payload.slice(0, -4)) === crc.toUpperCase();
  return { fields, merchantAccount, additional, crcValid };
}
