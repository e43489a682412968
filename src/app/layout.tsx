import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Stepwise",
  description: "Durable AI workflows: draw a graph, run it step by step, keep every result.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page, the 404 page included, renders per request: its scripts carry the nonce of
  // that request's Content-Security-Policy (proxy.ts), which a page rendered at build time cannot.
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
