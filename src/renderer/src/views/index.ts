/**
 * The views the navigation offers, in order: the navigation and the router are built from this table.
 * A view is listed only once it works end to end. To add one: import it and add one line to VIEWS, with
 * its navigation label's i18n key (the labels of the planned views are in locales/<language>/app.json,
 * under "views"). Each view's h1 has id="view-title" tabindex="-1": App focuses it after a view switch.
 */
import type { Component } from 'vue'
import DesignerView from './DesignerView.vue'
import HardwareView from './HardwareView.vue'
import RunsView from './RunsView.vue'
import SettingsView from './SettingsView.vue'
import ZooView from './ZooView.vue'

export interface ViewEntry {
  /** The address: "#/<id>". */
  id: string
  /** i18n key of the navigation label. */
  labelKey: string
  component: Component
}

export const VIEWS: readonly ViewEntry[] = [
  { id: 'zoo', labelKey: 'app.views.zoo', component: ZooView },
  { id: 'hardware', labelKey: 'app.views.hardware', component: HardwareView },
  { id: 'designer', labelKey: 'app.views.designer', component: DesignerView },
  { id: 'runs', labelKey: 'app.views.runs', component: RunsView },
  { id: 'settings', labelKey: 'app.views.settings', component: SettingsView },
]
