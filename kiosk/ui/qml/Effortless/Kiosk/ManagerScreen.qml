pragma ComponentBehavior: Bound
import QtQuick

// The store manager's screen: status, today's answers and the few settings a store needs.
// Its fields are typed on the on-screen keyboard: the field being typed in stays above the
// keyboard, and Enter moves on (on the last field of a part it does what the part's button
// does), as on the setup screen.
Rectangle {
    id: root
    property real unit: 8
    // The on-screen keyboard's height while it is shown, else 0 (set by Main).
    property real keyboardHeight: 0
    required property ManagerController manager
    readonly property var words: root.manager.data.words || {}
    readonly property var today: root.manager.data.today || {}
    color: Theme.background

    // Takes every touch that no control takes, so nothing reaches the shopper screens
    // underneath; any touch keeps the screen open (it closes after a minute without one).
    MouseArea { anchors.fill: parent; onPressed: root.manager.touched() }

    FormFlickable {
        objectName: "managerForm"
        anchors.fill: parent
        anchors.margins: root.unit * 3
        anchors.bottomMargin: root.unit * 3 + root.keyboardHeight
        keyboardHeight: root.keyboardHeight
        fieldMargin: root.unit * 2
        form: content
        onMovementStarted: root.manager.touched()

        Column {
            id: content
            width: parent.width
            spacing: root.unit * 2

            Row {
                width: parent.width
                Text {
                    textFormat: Text.PlainText
                    width: parent.width - closeButton.width
                    text: root.words.title || ""
                    color: Theme.text
                    font.pixelSize: Math.max(28, root.unit * 4)
                    font.weight: Font.Bold
                }
                BigButton {
                    id: closeButton
                    objectName: "managerClose"
                    secondary: true
                    text: root.words.close || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: root.manager.close()
                }
            }

            Text {
                objectName: "managerMessage"
                textFormat: Text.PlainText
                visible: text !== ""
                width: parent.width
                text: root.manager.message
                color: Theme.text
                font.pixelSize: Math.max(20, root.unit * 2.5)
                wrapMode: Text.WordWrap
            }

            Grid {
                // Starts at the reading edge: the right one in Arabic (LayoutMirroring).
                anchors.left: parent.left
                columns: 2
                columnSpacing: root.unit * 3
                rowSpacing: root.unit * 0.8
                Repeater {
                    model: root.manager.data.status || []
                    Text {
                        required property var modelData
                        required property int index
                        objectName: "status_" + modelData.key
                        textFormat: Text.PlainText
                        text: modelData.label + ": " + modelData.value
                        color: modelData.alert ? Theme.danger : Theme.text
                        font.pixelSize: Math.max(18, root.unit * 2.2)
                    }
                }
            }

            // A kiosk without HQ never sends its answers: it offers to connect instead.
            BigButton {
                anchors.left: parent.left
                objectName: "connectHqButton"
                visible: root.manager.data.enrolled === false
                text: root.words.setup_hq || ""
                fontSize: Math.max(20, root.unit * 2.5)
                onClicked: root.manager.connectHq()
            }
            BigButton {
                anchors.left: parent.left
                objectName: "syncNowButton"
                visible: root.manager.data.enrolled === true
                text: (root.manager.data.pending || 0) > 0
                      ? (root.words.sync_now || "") + " (" + root.manager.data.pending + ")"
                      : (root.words.sync_now || "")
                fontSize: Math.max(20, root.unit * 2.5)
                onClicked: root.manager.syncNow()
            }

            Text {
                anchors.left: parent.left
                textFormat: Text.PlainText
                text: root.words.today || ""
                color: Theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Row {
                anchors.left: parent.left
                spacing: root.unit * 4
                Text {
                    objectName: "todayCount"
                    textFormat: Text.PlainText
                    text: (root.today.n || 0) + " " + (root.words.answers || "")
                    color: Theme.text
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                Text {
                    objectName: "todayEasy"
                    textFormat: Text.PlainText
                    text: (root.today.easy || "-") + " " + (root.words.easy || "") + " (" + (root.today.scale || "") + ")"
                    color: Theme.text
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                Text {
                    objectName: "todayTopFactor"
                    textFormat: Text.PlainText
                    text: (root.words.top_factor || "") + ": " + (root.today.topFactor || "-")
                    color: Theme.text
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
            }
            // The distribution, with each bar's number written under it.
            Row {
                anchors.left: parent.left
                objectName: "todayChart"
                spacing: root.unit
                height: root.unit * 14
                Repeater {
                    model: root.today.bars || []
                    Column {
                        id: bar
                        required property var modelData
                        width: root.unit * 6
                        anchors.bottom: parent ? parent.bottom : undefined
                        spacing: 2
                        Rectangle {
                            width: parent.width
                            height: Math.max(2, bar.modelData.fraction * root.unit * 9)
                            color: Theme.button
                        }
                        Text {
                            textFormat: Text.PlainText
                            width: parent.width
                            horizontalAlignment: Text.AlignHCenter
                            text: bar.modelData.point + ": " + bar.modelData.count
                            color: Theme.text
                            font.pixelSize: Math.max(14, root.unit * 1.8)
                        }
                    }
                }
            }

            Text {
                anchors.left: parent.left
                textFormat: Text.PlainText
                visible: (root.manager.data.surveys || []).length > 0
                text: root.words.survey || ""
                color: Theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Flow {
                width: parent.width
                spacing: root.unit
                Repeater {
                    model: root.manager.data.surveys || []
                    BigButton {
                        required property var modelData
                        objectName: "managerSurvey_" + modelData.id
                        text: modelData.label
                        secondary: modelData.id !== root.manager.data.currentSurvey
                        // The chosen one is announced as chosen, not only shown filled.
                        Accessible.checkable: true
                        Accessible.checked: !secondary
                        fontSize: Math.max(18, root.unit * 2.2)
                        onClicked: root.manager.chooseSurvey(modelData.id)
                    }
                }
            }
            // A switch changes what every next shopper is asked: it is confirmed first.
            Column {
                objectName: "managerSurveyConfirmation"
                visible: (root.manager.data.confirmSurvey || {}).id !== undefined
                width: parent.width
                spacing: root.unit
                Text {
                    objectName: "managerSurveyQuestion"
                    textFormat: Text.PlainText
                    width: parent.width
                    text: (root.manager.data.confirmSurvey || {}).question || ""
                    color: Theme.text
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                    wrapMode: Text.WordWrap
                }
                Row {
                    spacing: root.unit * 2
                    BigButton {
                        objectName: "managerSurveyConfirm"
                        text: root.words.confirm || ""
                        fontSize: Math.max(20, root.unit * 2.5)
                        onClicked: root.manager.confirmSurvey()
                    }
                    BigButton {
                        objectName: "managerSurveyCancel"
                        secondary: true
                        text: root.words.cancel || ""
                        fontSize: Math.max(20, root.unit * 2.5)
                        onClicked: root.manager.cancelSurvey()
                    }
                }
            }

            Text {
                anchors.left: parent.left
                textFormat: Text.PlainText
                text: root.words.language || ""
                color: Theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Row {
                anchors.left: parent.left
                spacing: root.unit
                Repeater {
                    model: root.manager.data.languages || []
                    BigButton {
                        required property var modelData
                        objectName: "managerLang_" + modelData.code
                        text: modelData.name
                        secondary: modelData.code !== root.manager.data.homeLocale
                        // The chosen one is announced as chosen, not only shown filled.
                        Accessible.checkable: true
                        Accessible.checked: !secondary
                        fontSize: Math.max(20, root.unit * 2.5)
                        onClicked: root.manager.setLanguage(modelData.code)
                    }
                }
            }

            Text {
                anchors.left: parent.left
                textFormat: Text.PlainText
                text: root.words.change_pin || ""
                color: Theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Row {
                anchors.left: parent.left
                spacing: root.unit
                FormField {
                    id: newPin
                    objectName: "newPinField"
                    unit: root.unit
                    width: root.unit * 30
                    next: repeatPin
                    placeholderText: root.words.new_pin || ""
                    echoMode: TextInput.Password
                    inputMethodHints: Qt.ImhDigitsOnly
                    maximumLength: 8
                    onTextChanged: root.manager.touched()
                }
                FormField {
                    id: repeatPin
                    objectName: "repeatPinField"
                    unit: root.unit
                    width: root.unit * 30
                    placeholderText: root.words.repeat_pin || ""
                    echoMode: TextInput.Password
                    inputMethodHints: Qt.ImhDigitsOnly
                    maximumLength: 8
                    onTextChanged: root.manager.touched()
                    onSubmitted: changePin.clicked()
                }
                BigButton {
                    id: changePin
                    objectName: "changePinButton"
                    text: root.words.change_pin || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: { root.manager.changePin(newPin.text, repeatPin.text); newPin.text = ""; repeatPin.text = "" }
                }
            }

            Text {
                anchors.left: parent.left
                textFormat: Text.PlainText
                text: root.words.export_rejected || ""
                color: Theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Row {
                anchors.left: parent.left
                spacing: root.unit
                FormField {
                    id: exportPath
                    objectName: "exportPathField"
                    unit: root.unit
                    width: root.unit * 50
                    text: root.manager.data.exportPath || ""
                    placeholderText: root.words.export_path || ""
                    inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                    onTextChanged: root.manager.touched()
                    onSubmitted: exportButton.clicked()
                }
                BigButton {
                    id: exportButton
                    objectName: "exportButton"
                    text: root.words.export_rejected || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: root.manager.exportRejected(exportPath.text)
                }
            }

            Row {
                anchors.left: parent.left
                spacing: root.unit * 2
                BigButton {
                    objectName: "restartButton"
                    secondary: true
                    text: root.words.restart || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: root.manager.restartApp()
                }
                BigButton {
                    objectName: "exitButton"
                    secondary: true
                    text: root.words.exit || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: root.manager.exitApp()
                }
            }
        }
    }
}
