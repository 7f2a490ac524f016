// A SummaryWriter over an OpenAI-compatible chat completions endpoint
// (POST `${baseUrl}/chat/completions`, bearer apiKey). It sends the month's aggregate facts
// as JSON (no names, e-mails or ids: shared/ports/summary-writer.port.ts) and returns the
// first choice's text. Any failure (network, status, shape, abort) rejects; the caller falls
// back to the template.
import { z } from 'zod/v4';
import type { SummaryFacts, SummaryWriter } from '../../ports/summary-writer.port';

/** Longest summary accepted from the endpoint, in characters; more is cut. */
export const LLM_SUMMARY_LENGTH_MAX = 2_000;

const SYSTEM_PROMPT = 'You write a short, friendly monthly spending summary (at most four '
  + 'sentences) for an e-wallet user from the JSON facts given. Amounts are integer minor '
  + 'units of the given currency (100 sen = 1 MYR). Percent changes are basis points '
  + '(100 = 1%). Do not invent facts.';

const CompletionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().min(1) }) })).min(1),
});

export type OpenAiCompatibleOptions = Readonly<{
  baseUrl: string;
  apiKey?: string;
  model: string;
}>;

export function openAiCompatibleSummaryWriter(options: OpenAiCompatibleOptions): SummaryWriter {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    async write(facts: SummaryFacts, { signal }: { signal: AbortSignal }): Promise<string> {
      const response = await fetch(url, {
        method: 'POST',
        signal,
        headers: {
          'content-type': 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: options.model,
          temperature: 0,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: JSON.stringify(facts) },
          ],
        }),
      });
      if (!response.ok) throw new Error(`LLM endpoint answered ${response.status}`);
      const completion = CompletionSchema.parse(await response.json());
      return completion.choices[0]!.message.content.trim().slice(0, LLM_SUMMARY_LENGTH_MAX);
    },
  };
}
