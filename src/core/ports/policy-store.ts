/** Persistence for workspace session policies (policies.ts). Implemented by the Kysely store on both engines. */
import type { MemberPolicy, WorkspacePolicy } from '../workspace-policy.js';

export interface StoredPolicy {
  policy: WorkspacePolicy;
  updatedAt: number;
  /** The user id of whoever set it. */
  updatedBy: string;
}

export interface PolicyStore {
  /** The workspace's policy; null when none was ever set. */
  findPolicy(workspaceId: string): Promise<StoredPolicy | null>;
  /** Sets (or replaces) the workspace's policy. */
  savePolicy(workspaceId: string, policy: WorkspacePolicy, at: number, by: string): Promise<void>;
  /** The policies that apply to the user: one per workspace where they are an active member and a policy is set, oldest workspace first. */
  policiesOf(userId: string): Promise<MemberPolicy[]>;
  /** The user ids of the workspace's active members. */
  activeMemberIds(workspaceId: string): Promise<string[]>;
}
