; Incident Desk: the Windows installer (Inno Setup 6.3 or later) for the one-folder bundle.
;
; Installs for the current user only, without administrator rights, into
; %LOCALAPPDATA%\Programs\Incident Desk, with a Start-menu shortcut and, if chosen, one on
; the desktop. Uninstalling removes the program; the user's database, backups, drafts and
; settings are deleted only if the user says so (the question defaults to No, and a silent
; uninstall keeps them).
;
; Compiled by installer/build.py on Windows, which passes what the build made:
;   iscc /DAppVersion=0.1.0 /DNumericVersion=0.1.0.0 /DSourceDir=<repo>\dist\IncidentDesk
;        /DIconFile=<repo>\build\generated\IncidentDesk.ico /DOutputDir=<repo>\dist\installer
;        installer\incident_desk.iss

#ifndef AppVersion
  #error Give the version: iscc /DAppVersion=x.y.z (installer/build.py does)
#endif
#ifndef NumericVersion
  #define NumericVersion AppVersion
#endif
#ifndef SourceDir
  #define SourceDir "..\dist\IncidentDesk"
#endif
#ifndef IconFile
  #define IconFile "..\build\generated\IncidentDesk.ico"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist\installer"
#endif

#define AppName "Incident Desk"
#define AppExe "IncidentDesk.exe"
#define Publisher "Incident Desk"
; Where Incident Desk keeps the user's database, its backups and drafts: the platformdirs
; user data folder of app/models/db.default_database_path (author and application both
; "Incident Desk", not roaming). Window settings are QSettings in the registry.
#define DataFolder "{localappdata}\Incident Desk\Incident Desk"
#define SettingsKey "Software\Incident Desk\Incident Desk"

[Setup]
; The AppId identifies Incident Desk to Windows across versions: never change it.
AppId={{337CA511-B6CE-4075-AC35-4575F913F18D}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#Publisher}
VersionInfoVersion={#NumericVersion}
VersionInfoProductName={#AppName}
; Per user, no administrator rights: {autopf} is then {userpf}, %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
; PySide6 6.11 runs on 64-bit Windows 10 and later only.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=IncidentDesk-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2
SolidCompression=yes
; an Incident Desk still open is closed (after asking) before its files are replaced
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; A new version replaces the bundle whole: modules and libraries the old one had and the
; new one has not must not linger beside it.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; IncidentDesk.exe (the window), incident-desk.exe (the commands, with a console) and the
; _internal folder they share
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Log, prioritise and follow contact-centre incidents"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function DataFolder: String;
begin
  Result := ExpandConstant('{#DataFolder}');
end;

{ The database, its backups and drafts, then the settings; the publisher's folder and key
  go too when nothing else is left in them. }
procedure DeleteUserData;
begin
  if not DelTree(DataFolder, True, True, True) then
    MsgBox(FmtMessage('Some of your Incident Desk data in %1 could not be deleted (is ' +
      'Incident Desk still open?). Delete that folder yourself if you want it gone.',
      [DataFolder]), mbError, MB_OK);
  RemoveDir(ExtractFileDir(DataFolder));
  RegDeleteKeyIncludingSubkeys(HKCU, '{#SettingsKey}');
  RegDeleteKeyIfEmpty(HKCU, ExtractFileDir('{#SettingsKey}'));
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { After the program's files are gone, ask (default No) about the user's own data.
    A silent uninstall, or /SUPPRESSMSGBOXES, keeps it. }
  if (CurUninstallStep = usPostUninstall) and DirExists(DataFolder) and not UninstallSilent then
  begin
    if SuppressibleMsgBox(FmtMessage('Also delete your Incident Desk data?' + #13#10#13#10 +
      'This is the database with every incident and its history, its backups and any ' +
      'unsaved draft, in %1, and the window settings.' + #13#10#13#10 +
      'Deleted data cannot be recovered. Choose No to keep it: installing Incident Desk ' +
      'again opens it as it was.', [DataFolder]),
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES then
      DeleteUserData;
  end;
end;
