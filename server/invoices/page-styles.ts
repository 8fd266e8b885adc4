/**
 * The hosted invoice page's one stylesheet, inlined in a single `<style>` element and allowed by
 * its sha256 in the page's CSP (no 'unsafe-inline'). A card layout, at most 760px wide; at 560px
 * and below the items table drops its quantity and unit price columns (each item then shows
 * "2 × $10.00" under its name), so nothing scrolls sideways at 320px. Print: black on white, no
 * payment form, no buttons.
 */
export const INVOICE_PAGE_CSS = `
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#1f2937;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:760px;margin:0 auto;padding:32px 16px 48px}
h1,h2,p{margin:0}
h2{font-size:13px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:#4b5563;margin-bottom:8px}
a{color:#4338ca}
:focus-visible{outline:3px solid #4f46e5;outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:12px;box-shadow:0 1px 2px rgba(16,24,40,.05),0 4px 16px rgba(16,24,40,.05);padding:28px;margin-bottom:16px}
.card>*+*{margin-top:24px}
.card>:empty{margin-top:0}
.muted{color:#6b7280}
.small{font-size:14px}
.pre{white-space:pre-line}
.wrap{overflow-wrap:anywhere}
.merchant{display:flex;align-items:center;gap:12px;min-width:0}
.logo{display:block;max-height:48px;max-width:160px;width:auto;height:auto;object-fit:contain}
.company{font-weight:600;font-size:18px;overflow-wrap:anywhere}
.title-row{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px}
h1{font-size:22px;line-height:1.3;font-weight:600;overflow-wrap:anywhere}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:13px;font-weight:600;line-height:1.6;white-space:nowrap;border:1px solid transparent}
.badge-pending{background:#eef2ff;color:#3730a3;border-color:#c7d2fe}
.badge-partially_paid{background:#fef3c7;color:#92400e;border-color:#fde68a}
.badge-paid{background:#d1fae5;color:#065f46;border-color:#a7f3d0}
.badge-overdue{background:#fee2e2;color:#991b1b;border-color:#fecaca}
.headline{font-size:18px}
.headline strong{display:block;font-size:34px;line-height:1.2;font-weight:700;letter-spacing:-.01em;color:#111827;overflow-wrap:anywhere}
.when{font-size:14px;color:#6b7280;margin-top:4px}
.when-overdue{color:#b91c1c;font-weight:600}
.paid-state{display:flex;align-items:center;gap:10px;padding:12px 14px;border-radius:10px;background:#ecfdf5;color:#065f46;font-weight:600}
.paid-state svg{flex:none}
.meta{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px 24px;margin:24px 0 0;padding-top:20px;border-top:1px solid #e5e7eb}
.meta div{min-width:0}
.meta dt{font-size:13px;color:#6b7280}
.meta dd{margin:0;font-weight:500;overflow-wrap:anywhere}
.parties{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:20px 24px}
address{font-style:normal;overflow-wrap:anywhere}
address strong{font-weight:600}
table{width:100%;border-collapse:collapse}
caption{text-align:left;font-size:13px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:#4b5563;padding-bottom:8px}
th,td{padding:12px 0;text-align:left;vertical-align:top;border-bottom:1px solid #e5e7eb}
:is(th,td)+:is(th,td){padding-left:12px}
thead th{padding-top:0;font-size:13px;font-weight:600;color:#6b7280}
tbody th{font-weight:400}
.num{text-align:right;white-space:nowrap;padding-left:16px;font-variant-numeric:tabular-nums}
.item{width:60%;overflow-wrap:anywhere}
.item-name{font-weight:600}
.item-line{display:block;font-size:14px;color:#6b7280}
.item-desc{white-space:pre-line}
.item-qty{display:none}
.tag{display:inline-block;margin-left:6px;padding:0 8px;border-radius:999px;background:#f3f4f6;color:#374151;font-size:12px;font-weight:600;vertical-align:1px}
.totals{max-width:380px;margin-left:auto}
.totals th{font-weight:400;color:#4b5563;border-bottom:0;padding:6px 0}
.totals td{border-bottom:0;padding:6px 0 6px 16px}
.totals .total th,.totals .total td{border-top:1px solid #e5e7eb;padding-top:12px;font-weight:600;color:#1f2937}
.totals .due th,.totals .due td{border-top:2px solid #1f2937;padding-top:12px;font-size:20px;font-weight:700;color:#111827}
.message{padding:16px;border-radius:10px;background:#f9fafb;border:1px solid #e5e7eb}
.message p{white-space:pre-line;overflow-wrap:anywhere}
.pay>*+*{margin-top:16px}
.pay h2{font-size:20px;letter-spacing:0;text-transform:none;color:#111827;margin:0}
.amount-form label{display:block;font-weight:600;margin-bottom:6px}
.amount-row{display:flex;flex-wrap:wrap;gap:8px}
.amount-row input{flex:1 1 160px;min-width:0;font:inherit;font-size:18px;padding:10px 12px;border:1px solid #8a919c;border-radius:8px;color:#111827;background:#fff;font-variant-numeric:tabular-nums}
.amount-row input[aria-invalid="true"]{border-color:#b91c1c;box-shadow:0 0 0 1px #b91c1c}
.button{flex:0 0 auto;font:inherit;font-weight:600;padding:10px 22px;border:0;border-radius:8px;background:#4f46e5;color:#fff;cursor:pointer}
.button:hover{background:#4338ca}
.button:disabled{opacity:.6;cursor:progress}
.link-button{font:inherit;font-size:14px;padding:0;border:0;background:none;color:#4338ca;text-decoration:underline;cursor:pointer}
.hint{font-size:14px;color:#6b7280;margin-top:6px}
.field-error:not(:empty){color:#b91c1c;font-size:14px;font-weight:500;margin-top:6px}
.alert:not(:empty){padding:12px 14px;border-radius:8px;background:#fef2f2;color:#991b1b;border:1px solid #fecaca}
.status:not(:empty){padding:12px 14px;border-radius:8px;background:#ecfdf5;color:#065f46;font-weight:600}
.note{padding:12px 14px;border-radius:8px;background:#f9fafb;border:1px solid #e5e7eb}
.remaining{font-weight:600}
.foot{text-align:center;font-size:14px;color:#6b7280;padding:8px 16px;overflow-wrap:anywhere}
.not-found{text-align:center;padding:48px 28px}
.not-found h1{margin-bottom:12px}
@media (max-width:560px){
main{padding:12px 8px 32px}
.card{padding:18px 16px;border-radius:10px}
.headline strong{font-size:28px}
.col-qty,.col-price{display:none}
.item-qty{display:block}
.item{width:auto}
.totals{max-width:none}
}
@media print{
@page{margin:14mm}
*{color:#000!important;background:transparent!important;box-shadow:none!important}
body{font-size:11pt}
main{max-width:none;padding:0}
.card{border:0;border-radius:0;padding:0;margin:0 0 16pt}
#pay,button{display:none!important}
.badge{border:1px solid #000}
.paid-state{padding:0}
a{text-decoration:none}
tr{break-inside:avoid}
.headline strong{font-size:22pt}
}
`.trim();
