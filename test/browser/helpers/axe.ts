/** Runs axe-core (loaded as a classic script, as its UMD build expects) and fails on any violation. */
interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: unknown; failureSummary?: string }[] }[];
}
interface Axe {
  run(context: Element | Document, options?: object): Promise<AxeResult>;
}

let loading: Promise<Axe> | undefined;

function loadAxe(): Promise<Axe> {
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve((window as unknown as { axe: Axe }).axe);
    script.onerror = () => reject(new Error('could not load axe-core'));
    document.head.append(script);
  });
  return loading;
}

export async function expectNoAxeViolations(context: Element): Promise<void> {
  const axe = await loadAxe();
  const { violations } = await axe.run(context, { resultTypes: ['violations'] });
  if (violations.length) {
    const lines = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n  ')}`);
    throw new Error(`axe found ${violations.length} violation(s):\n${lines.join('\n')}`);
  }
}
