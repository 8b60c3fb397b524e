; Included by electron-builder's NSIS installer (electron-builder.config.ts, nsis.include).
; Windows has no file association for folders: a checkpoint folder (config.json + weights) gets an
; "Open with LiGO Studio" entry in Explorer's context menu instead. SHCTX is HKCU for a per-user install and
; HKLM for a per-machine one; the uninstaller removes exactly the key the installer wrote.
!macro customInstall
  WriteRegStr SHCTX "Software\Classes\Directory\shell\LiGOStudio" "" "Open with ${PRODUCT_NAME}"
  WriteRegStr SHCTX "Software\Classes\Directory\shell\LiGOStudio" "Icon" "$appExe,0"
  WriteRegStr SHCTX "Software\Classes\Directory\shell\LiGOStudio\command" "" '"$appExe" "%1"'
!macroend

!macro customUnInstall
  DeleteRegKey SHCTX "Software\Classes\Directory\shell\LiGOStudio"
!macroend
