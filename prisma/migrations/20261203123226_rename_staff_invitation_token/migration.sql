-- Hand-written SQL: what Prisma's schema cannot express.
-- The invitation token serves doctors and administrators alike (npm run admin:create): named for
-- staff. A rename in place, so outstanding invitation links keep working (Prisma's own diff would
-- drop and recreate the type).
ALTER TYPE "AuthTokenPurpose" RENAME VALUE 'DOCTOR_INVITATION' TO 'STAFF_INVITATION';
