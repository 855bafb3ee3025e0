import type { PracticeTransaction } from "../../db/with-practice.server";
import { sendEmail } from "../email/send-email.server";
import { staffInvitationEmail } from "../email/templates/staff-invitation";
import { generateToken, hashToken } from "./tokens.server";

export const STAFF_INVITATION_DAYS = 3;

/**
 * A 3-day, single-use link to choose a password, stored hashed and mailed through the outbox in the caller's
 * transaction. Used by practice admins inviting colleagues and by the platform inviting a new practice's owner.
 */
export async function issueStaffInvitation(
  trx: PracticeTransaction,
  input: { practiceId: string; practiceName: string; origin: string; member: { id: string; name: string; email: string }; invitedBy: { id: string | null; name: string }; now: Date },
): Promise<void> {
  const token = generateToken();
  await trx
    .insertInto("staff_invitations")
    .values({
      practice_id: input.practiceId,
      staff_id: input.member.id,
      token_hash: hashToken(token),
      created_at: input.now,
      expires_at: new Date(input.now.getTime() + STAFF_INVITATION_DAYS * 86_400_000),
      invited_by: input.invitedBy.id,
    })
    .execute();
  const message = staffInvitationEmail({ practiceName: input.practiceName, staffName: input.member.name, invitedBy: input.invitedBy.name, link: `${input.origin}/admin/invitation/${token}` });
  await sendEmail(trx, { kind: "staff_invitation", practiceId: input.practiceId, fromName: input.practiceName, replyTo: null, to: input.member.email, ...message });
}
