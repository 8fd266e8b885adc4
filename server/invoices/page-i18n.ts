/**
 * The hosted invoice page's texts: English and Brazilian Portuguese, one object each with the
 * same keys (the type makes a missing key a compile error; test/unit/invoice-page.test.ts checks
 * that both use the same `{placeholders}`). `pt`, `pt-PT`… use pt-BR; every other locale English.
 */

const en = {
  page_title: 'Invoice {number} from {company}',
  not_found_page_title: 'Invoice not found',
  not_found_heading: 'Invoice not found',
  not_found_body: "This invoice doesn't exist or is no longer available. Check the link you were sent, or contact the business that sent it.",
  invoice: 'Invoice',
  status: 'Status',
  status_pending: 'Pending',
  status_partially_paid: 'Partially paid',
  status_paid: 'Paid',
  status_overdue: 'Overdue',
  customer_number: 'Customer number',
  issued: 'Issued',
  due_date: 'Due date',
  amount_due_by: '{amount} due {date}',
  due_when: 'Due {when}',
  was_due_when: 'Was due {when}',
  paid_on: 'Paid on {date}',
  paid_in_full: 'This invoice has been paid in full. Thank you!',
  bill_to: 'Bill to',
  pay_to: 'Pay to',
  items: 'Items',
  col_description: 'Description',
  col_quantity: 'Qty',
  col_unit_price: 'Unit price',
  col_amount: 'Amount',
  quantity_times_price: '{quantity} × {price}',
  item_discount: 'Discount: −{amount}',
  item_tax: 'Tax: {amount}',
  item_tax_rate: 'Tax ({rate}): {amount}',
  item_paid: 'Paid separately',
  totals: 'Totals',
  subtotal: 'Subtotal',
  tax: 'Tax',
  tax_rate: 'Tax ({rate})',
  shipping: 'Shipping',
  adjustment: 'Adjustment',
  credit: 'Credit',
  total: 'Total',
  amount_paid: 'Amount paid',
  amount_due: 'Amount due',
  message: 'Message from {company}',
  pay_heading: 'Pay this invoice',
  amount_label: 'Amount to pay ({currency})',
  amount_hint: 'Between {min} and {max}',
  continue: 'Continue',
  invalid_amount: 'Enter an amount between {min} and {max}.',
  generic_error: "Something went wrong and the payment form couldn't load. Please try again in a moment.",
  change_amount: 'Change amount',
  try_again: 'Try again',
  payment_received: 'Payment received. Updating the invoice…',
  cannot_pay_online: "This invoice can't be paid online right now. Contact {company}.",
  payment_processing: 'A payment of {amount} is being processed. Refresh this page in a moment to see the new balance.',
  receipt: 'Payments received',
  col_date: 'Date',
  col_method: 'Method',
  remaining_balance: 'Remaining balance: {amount}',
  card: 'Card',
  bank_account: 'Bank account',
  method_last4: '{method} •••• {last4}',
  questions: 'Questions about this invoice? Contact {company}',
} as const;

/** Every text of the page, by key; each language must have all of them. */
export type InvoicePageStrings = Record<keyof typeof en, string>;

const ptBR: InvoicePageStrings = {
  page_title: 'Fatura {number} de {company}',
  not_found_page_title: 'Fatura não encontrada',
  not_found_heading: 'Fatura não encontrada',
  not_found_body: 'Esta fatura não existe ou não está mais disponível. Confira o link que você recebeu ou fale com a empresa que a enviou.',
  invoice: 'Fatura',
  status: 'Situação',
  status_pending: 'Pendente',
  status_partially_paid: 'Parcialmente paga',
  status_paid: 'Paga',
  status_overdue: 'Vencida',
  customer_number: 'Número do cliente',
  issued: 'Emitida em',
  due_date: 'Vencimento',
  amount_due_by: '{amount} com vencimento em {date}',
  due_when: 'Vence {when}',
  was_due_when: 'Venceu {when}',
  paid_on: 'Paga em {date}',
  paid_in_full: 'Esta fatura foi paga integralmente. Obrigado!',
  bill_to: 'Cobrar de',
  pay_to: 'Pagar a',
  items: 'Itens',
  col_description: 'Descrição',
  col_quantity: 'Qtd.',
  col_unit_price: 'Preço unitário',
  col_amount: 'Valor',
  quantity_times_price: '{quantity} × {price}',
  item_discount: 'Desconto: −{amount}',
  item_tax: 'Imposto: {amount}',
  item_tax_rate: 'Imposto ({rate}): {amount}',
  item_paid: 'Pago à parte',
  totals: 'Totais',
  subtotal: 'Subtotal',
  tax: 'Impostos',
  tax_rate: 'Impostos ({rate})',
  shipping: 'Frete',
  adjustment: 'Ajuste',
  credit: 'Crédito',
  total: 'Total',
  amount_paid: 'Valor pago',
  amount_due: 'Valor a pagar',
  message: 'Mensagem de {company}',
  pay_heading: 'Pagar esta fatura',
  amount_label: 'Valor a pagar ({currency})',
  amount_hint: 'Entre {min} e {max}',
  continue: 'Continuar',
  invalid_amount: 'Informe um valor entre {min} e {max}.',
  generic_error: 'Algo deu errado e o formulário de pagamento não carregou. Tente novamente em instantes.',
  change_amount: 'Alterar valor',
  try_again: 'Tentar novamente',
  payment_received: 'Pagamento recebido. Atualizando a fatura…',
  cannot_pay_online: 'Esta fatura não pode ser paga on-line no momento. Fale com {company}.',
  payment_processing: 'Um pagamento de {amount} está em processamento. Atualize esta página em instantes para ver o novo saldo.',
  receipt: 'Pagamentos recebidos',
  col_date: 'Data',
  col_method: 'Forma de pagamento',
  remaining_balance: 'Saldo restante: {amount}',
  card: 'Cartão',
  bank_account: 'Conta bancária',
  method_last4: '{method} •••• {last4}',
  questions: 'Dúvidas sobre esta fatura? Fale com {company}',
};

export const INVOICE_PAGE_STRINGS: Readonly<Record<'en' | 'pt-BR', InvoicePageStrings>> = { en, 'pt-BR': ptBR };

export interface PageLocale {
  /** The texts' language: `pt-BR` or `en`. */
  language: 'en' | 'pt-BR';
  /** The tag for `<html lang>`, Intl (dates, money) and the widget: `pt-BR`, `en-US`, `en-GB`… */
  tag: string;
  strings: InvoicePageStrings;
}

/**
 * The invoice's locale to the page's: any `pt*` is pt-BR; `en` is en-US and `en-XX` stays
 * (dates and amounts as that region writes them); any other language is English as en-US, so the
 * numbers never come in a different language from the words around them.
 */
export function pageLocale(locale: string | null | undefined): PageLocale {
  const value = (locale ?? '').trim();
  if (/^pt(?![a-z])/i.test(value)) return { language: 'pt-BR', tag: 'pt-BR', strings: ptBR };
  const tag = /^en-[A-Z]{2}$/.test(value) && Intl.NumberFormat.supportedLocalesOf(value).length ? value : 'en-US';
  return { language: 'en', tag, strings: en };
}
