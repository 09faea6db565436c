"""The language-model layer used by the LLM engine and the judge alike: settings, prompts,
strict schemas, token counts, prices, the reply cache and the chat client.

Only `briefing.llm.client` imports `openai`; everything else here works without it."""
