import type { Migration } from "kysely";
import * as practiceRegistry from "./platform/2026-11-23T09-00-practice-registry";
import * as placementsAndSupport from "./platform/2026-11-23T13-00-placements-and-support";
import * as ipRateLimits from "./platform/2026-12-07T21-00-ip-rate-limits";
import * as practiceContact from "./platform/2026-12-07T22-00-practice-contact";
import * as practiceFoundation from "./practice/2026-11-23T09-10-practice-foundation";
import * as clientSignIn from "./practice/2026-11-23T10-00-client-sign-in";
import * as portalRecords from "./practice/2026-11-23T11-00-portal-records";
import * as practiceAdmin from "./practice/2026-11-23T12-00-practice-admin";
import * as clientAccounts from "./practice/2026-11-23T14-00-client-accounts";
import * as integrationsPermission from "./practice/2026-12-08T09-00-integrations-permission";
import * as fileStore from "./practice/2026-12-08T10-00-file-store";
import * as webhooks from "./practice/2026-12-08T12-00-webhooks";
import * as integrationApi from "./practice/2026-12-08T11-00-integration-api";
import * as integrationResources from "./practice/2026-12-08T13-00-integration-resources";
import * as imports from "./practice/2026-12-08T14-00-imports";
import * as documentFiles from "./practice/2026-12-08T15-00-document-files";
import * as onlineBooking from "./practice/2026-12-09T09-00-online-booking";
import * as bookingRequests from "./practice/2026-12-10T09-00-booking-requests";
import * as smartForms from "./practice/2026-12-11T09-00-smart-forms";
import * as formRegistration from "./practice/2026-12-11T10-00-form-registration";
import * as formAnswerFiles from "./practice/2026-12-11T11-00-form-answer-files";
import * as pendingPasswords from "./practice/2026-12-11T12-00-pending-passwords";

/** The control plane: only in the main database. Listed explicitly so that bundlers and tsx load the same set. */
export const platformMigrations: Record<string, Migration> = {
  "2026-11-23T09-00-practice-registry": practiceRegistry,
  "2026-11-23T13-00-placements-and-support": placementsAndSupport,
  "2026-12-07T21-00-ip-rate-limits": ipRateLimits,
  "2026-12-07T22-00-practice-contact": practiceContact,
};

/** Practice data: in the shared database and in every dedicated database, always the same. The last name is the schema version the code needs. */
export const practiceMigrations: Record<string, Migration> = {
  "2026-11-23T09-10-practice-foundation": practiceFoundation,
  "2026-11-23T10-00-client-sign-in": clientSignIn,
  "2026-11-23T11-00-portal-records": portalRecords,
  "2026-11-23T12-00-practice-admin": practiceAdmin,
  "2026-11-23T14-00-client-accounts": clientAccounts,
  "2026-12-08T09-00-integrations-permission": integrationsPermission,
  "2026-12-08T10-00-file-store": fileStore,
  "2026-12-08T11-00-integration-api": integrationApi,
  "2026-12-08T12-00-webhooks": webhooks,
  "2026-12-08T13-00-integration-resources": integrationResources,
  "2026-12-08T14-00-imports": imports,
  "2026-12-08T15-00-document-files": documentFiles,
  "2026-12-09T09-00-online-booking": onlineBooking,
  "2026-12-10T09-00-booking-requests": bookingRequests,
  "2026-12-11T09-00-smart-forms": smartForms,
  "2026-12-11T10-00-form-registration": formRegistration,
  "2026-12-11T11-00-form-answer-files": formAnswerFiles,
  "2026-12-11T12-00-pending-passwords": pendingPasswords,
};
