/**
 * Who is signed in, and what their role may do. The needs come from the modules' own access
 * tables (the same ones the API enforces), so a form is shown exactly to those the API would let
 * use it; everyone else reads a sentence saying which role it takes.
 */
import { createContext, type ReactNode, useContext } from 'react';
import { allows, type RoleNeed } from '../../src/auth/roles.js';
import type { Me } from './replies.js';

/** Who the token belongs to, as GET /api/auth/me answers. */
export type { Me };

const MeContext = createContext<Me | undefined>(undefined);

export const MeProvider = MeContext.Provider;

export function useMe(): Me | undefined {
  return useContext(MeContext);
}

const roleList = (need: RoleNeed) => (typeof need === 'string' ? need : need.join(' or '));

/**
 * `children` if the signed-in role may do it; otherwise what it takes, or nothing when `quiet`
 * (a link in a toolbar) or while it is not yet known who is signed in.
 */
export function Allowed({
  need,
  doing,
  quiet = false,
  children,
}: {
  need: RoleNeed;
  doing: string;
  quiet?: boolean;
  children: ReactNode;
}) {
  const me = useMe();
  if (!me) return null;
  if (allows(me.role, need)) return <>{children}</>;
  if (quiet) return null;
  return (
    <p className="hint" data-testid="needs-role">
      To {doing}, sign in with a token of the role {roleList(need)}
      {need === 'admin' ? '' : ' (or admin)'}; yours is {me.role}.
    </p>
  );
}
