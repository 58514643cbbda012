package ui

import tea "charm.land/bubbletea/v2"

// pasteTransition is the part of transition for what is pasted or typed
// in from the picker (issue 24): a token, a URL, another app's request.
func (m Model) pasteTransition(in intent) (Model, tea.Cmd) {
	switch in := in.(type) {
	case openPasteTokenMsg:
		return m.openShow(screenPasteToken, newPasteTokenModel(m.com))
	case openPastedTokenMsg:
		return m.openShow(screenPastedToken, newPastedTokenModel(m.com, m.svc, in.tok))
	case openPasteURLMsg:
		return m.openShow(screenPasteURL, newPasteURLModel(m.com))
	case openAppFormMsg:
		return m.openShow(screenAppForm, newAppFormModel(m.com, in.region))
	case openLoginParamsMsg:
		return m.openShow(screenLoginParams, newLoginParamsModel(m.com, in.region))
	case loginWithParamsMsg:
		return m.startLogin(in, LoginRequest{Region: in.region, Params: in.params})
	case openAppCheckMsg:
		m.nextID++
		return m.openShow(screenCheck, newAppCheckModel(m.com, m.svc, in.region, in.app, m.nextID))
	}
	return m, nil
}
