/**
 * What the aria-live region says: drops, errors, engine status and task outcomes, one message at a time.
 * Other stores call announce(); App renders `message` in a polite live region.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'

export const useAnnouncerStore = defineStore('announcer', () => {
  const message = ref('')

  function announce(text: string): void {
    // Screen readers only speak changes: make a repeated message differ by a trailing no-break space.
    message.value = text === message.value ? `${text}\u00a0` : text
  }

  return { message, announce }
})
