// Chooses the insights' summary writer from configuration: the OpenAI-compatible adapter when
// LLM_BASE_URL is set (with LLM_API_KEY as its bearer token and LLM_MODEL, by default
// DEFAULT_LLM_MODEL), otherwise none, and the template writes every summary.
import { openAiCompatibleSummaryWriter } from '../../shared/adapters/llm/openai-compatible.summary-writer';
import type { Config } from '../../shared/config/load-config';
import type { SummaryWriter } from '../../shared/ports/summary-writer.port';

export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';

export function summaryWriterOf(config: Config): SummaryWriter | null {
  if (!config.LLM_BASE_URL) return null;
  return openAiCompatibleSummaryWriter({
    baseUrl: config.LLM_BASE_URL,
    model: config.LLM_MODEL ?? DEFAULT_LLM_MODEL,
    ...(config.LLM_API_KEY ? { apiKey: config.LLM_API_KEY } : {}),
  });
}
