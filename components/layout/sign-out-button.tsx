import { Button } from "@/components/ui/form";

/** A plain form: signing out works before (or without) JavaScript. */
export function SignOutButton({ action }: { action: () => Promise<void> }) {
  return (
    <form action={action}>
      <Button variant="secondary" type="submit">
        Sign out
      </Button>
    </form>
  );
}
