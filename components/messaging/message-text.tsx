// A message's text with its http(s) links clickable. Every segment is React text
// or an <a> with a checked href: nothing in a message is ever parsed as HTML.
import { Fragment } from "react";
import { linkify } from "@/lib/domain/messaging/linkify";

export function MessageText({ text }: { text: string }) {
  return (
    <p className="break-words whitespace-pre-wrap">
      {linkify(text).map((segment, index) =>
        segment.kind === "text" ? (
          <Fragment key={index}>{segment.text}</Fragment>
        ) : (
          <a
            key={index}
            href={segment.href}
            title={segment.href}
            target="_blank"
            rel="noopener noreferrer nofollow"
            className="font-medium text-brand-700 underline hover:text-brand-900"
          >
            {segment.text}
          </a>
        ),
      )}
    </p>
  );
}
