// Conversations with makers' support ("Ask the maker", when a guide did not help): the open
// one, the list, and the makers' replies as the core announces them. Screens read it; only this
// store calls the backend for support.
import { messageOf, type AskMakerInput, type Backend, type ConsentPromptView, type ConversationView } from '../backend';

/** The longest message the core takes, in characters. */
export const MAX_MESSAGE = 1000;

export class SupportStore {
  /** Every conversation, newest first, as last read or announced. */
  list = $state<ConversationView[]>([]);
  /** The conversation on screen. */
  current = $state<ConversationView | null>(null);
  loadError = $state<string | null>(null);
  sending = $state(false);

  constructor(private readonly backend: Backend) {}

  /** Follows the makers' replies, and reads the conversations kept. Resolves to an unsubscribe. */
  async start(): Promise<() => void> {
    const stop = await this.backend.onSupportReplied((conversation) => this.update(conversation));
    try {
      this.list = await this.backend.conversations();
    } catch {
      // The list is only a way back to a conversation; the guide's button still starts one.
    }
    return stop;
  }

  /** Whether `conversation` is older than what is known of it: a reply announced while a read
   *  or a send was on its way is not undone by the answer to it, read a moment earlier. */
  private stale(conversation: ConversationView): boolean {
    const known = [this.current, ...this.list].filter((c) => c?.id === conversation.id);
    return known.some((c) => (c?.messages.length ?? 0) > conversation.messages.length);
  }

  private update(conversation: ConversationView): void {
    if (this.stale(conversation)) return;
    if (this.current?.id === conversation.id) this.current = conversation;
    this.list = [conversation, ...this.list.filter((c) => c.id !== conversation.id)];
  }

  /** The newest conversation with `partnerId` about `title` (a guide's name), if there is one. */
  about(partnerId: string, title: string): ConversationView | null {
    return this.list.find((c) => c.partnerId === partnerId && c.title === title) ?? null;
  }

  /** Opens a conversation as kept on the phone. */
  async open(id: number): Promise<void> {
    if (this.current?.id !== id) this.current = null;
    this.loadError = null;
    try {
      const conversation = await this.backend.conversation(id);
      if (!this.stale(conversation)) this.current = conversation;
      else if (this.current?.id !== id) this.current = this.list.find((c) => c.id === id) ?? conversation;
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  /** What including a device's diagnostics would send; resolves to why not when it cannot say. */
  async diagnosticsPrompt(deviceId: string, partnerId: string): Promise<ConsentPromptView | string> {
    try {
      return await this.backend.diagnosticsPrompt(deviceId, partnerId);
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Starts a conversation; resolves to it, or to why not. */
  async ask(input: AskMakerInput): Promise<ConversationView | string> {
    this.sending = true;
    try {
      const conversation = await this.backend.askMaker(input);
      this.current = conversation;
      this.update(conversation);
      return conversation;
    } catch (error) {
      return messageOf(error);
    } finally {
      this.sending = false;
    }
  }

  /** The owner's next message in a conversation; resolves to why not, or null. */
  async reply(id: number, message: string): Promise<string | null> {
    this.sending = true;
    try {
      this.update(await this.backend.sendSupportMessage(id, message));
      return null;
    } catch (error) {
      return messageOf(error);
    } finally {
      this.sending = false;
    }
  }
}
