/** Chromium's accessibility tree, as the a11ySnapshot command returns it. */
import { a11ySnapshot, findAccessibilityNode } from '@web/test-runner-commands';

export interface AxNode {
  role: string;
  name: string;
  invalid?: string | boolean;
  children: AxNode[];
}

/** The first node of the page's accessibility tree that `match` accepts, or null. */
export async function findAxNode(match: (node: AxNode) => boolean): Promise<AxNode | null> {
  const tree = (await a11ySnapshot({})) as unknown as AxNode;
  return findAccessibilityNode<AxNode>(tree, match);
}
