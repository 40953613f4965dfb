"use client";

import { signOut } from "next-auth/react";
import { Button } from "@/components/ui/form";

export function SignOutButton() {
  return (
    <Button
      variant="secondary"
      type="button"
      onClick={() => void signOut({ callbackUrl: "/sign-in?reason=signed-out" })}
    >
      Sign out
    </Button>
  );
}
