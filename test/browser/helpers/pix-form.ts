/** Mounting the PIX form; reading it goes through the helpers in form.ts, which serve both forms. */
import type { PublicSession } from '../../../contract/api.ts';
import '../../../widget/frame/pix/pix-form.ts';
import type { PayPixForm } from '../../../widget/frame/pix/pix-form.ts';
import { mountPaymentForm, SESSION } from './form.ts';

export const PIX_SESSION: PublicSession = { ...SESSION, currency: 'BRL', payment_methods: ['pix'] };

export const PIX_LABELS = { email: 'Email', name: 'Full name', document: 'CPF or CNPJ', phone: 'Phone number' } as const;

/** Mounts `<pay-pix-form>` for PIX_SESSION with `session` over it; unmountAll() from form.ts removes it. */
export function mountPixForm(session: Partial<PublicSession> = {}, locale = 'en-US'): Promise<PayPixForm> {
  return mountPaymentForm('pay-pix-form', { ...PIX_SESSION, ...session }, locale);
}
