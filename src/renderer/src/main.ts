// Renderer entry: choose the client for this host once, then mount the app with Pinia and i18n.
// The client lives as long as the page (no dispose on pagehide: a page restored from the back/forward
// cache must keep its connection, and unloading closes the socket anyway).
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createClientForPage, installStudioClient } from './composables/client'
import { i18n } from './i18n'
import './styles/base.css'

installStudioClient(createClientForPage(window))

createApp(App).use(createPinia()).use(i18n).mount('#app')
