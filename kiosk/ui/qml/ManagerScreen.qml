import QtQuick
import QtQuick.Controls.Basic

// The store manager's screen: status, today's answers and the few settings a store needs.
Rectangle {
    id: root
    property real unit: 8
    readonly property var words: manager.data.words || {}
    readonly property var today: manager.data.today || {}
    color: theme.background

    // Takes every touch that no control takes, so nothing reaches the shopper screens
    // underneath; any touch keeps the screen open (it closes after a minute without one).
    MouseArea { anchors.fill: parent; onPressed: manager.touched() }

    Flickable {
        anchors.fill: parent
        anchors.margins: root.unit * 3
        contentHeight: content.height
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        onMovementStarted: manager.touched()

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
                    color: theme.text
                    font.pixelSize: Math.max(28, root.unit * 4)
                    font.weight: Font.Bold
                }
                BigButton {
                    id: closeButton
                    objectName: "managerClose"
                    secondary: true
                    text: root.words.close || "Close"
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: manager.close()
                }
            }

            Text {
                objectName: "managerMessage"
                textFormat: Text.PlainText
                visible: text !== ""
                width: parent.width
                text: manager.message
                color: theme.text
                font.pixelSize: Math.max(20, root.unit * 2.5)
                wrapMode: Text.WordWrap
            }

            Grid {
                columns: 2
                columnSpacing: root.unit * 3
                rowSpacing: root.unit * 0.8
                Repeater {
                    model: manager.data.status || []
                    Text {
                        required property var modelData
                        required property int index
                        objectName: "status_" + modelData.key
                        textFormat: Text.PlainText
                        text: modelData.label + ": " + modelData.value
                        color: modelData.key === "last_error" && modelData.value !== root.words.none
                               ? theme.danger : theme.text
                        font.pixelSize: Math.max(18, root.unit * 2.2)
                    }
                }
            }

            BigButton {
                objectName: "syncNowButton"
                text: (manager.data.pending || 0) > 0
                      ? (root.words.sync_now || "") + " (" + manager.data.pending + ")"
                      : (root.words.sync_now || "")
                fontSize: Math.max(20, root.unit * 2.5)
                onClicked: manager.syncNow()
            }

            Text {
                textFormat: Text.PlainText
                text: root.words.today || ""
                color: theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Row {
                spacing: root.unit * 4
                Text {
                    objectName: "todayCount"
                    textFormat: Text.PlainText
                    text: (root.today.n || 0) + " " + (root.words.answers || "")
                    color: theme.text
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                Text {
                    objectName: "todayEasy"
                    textFormat: Text.PlainText
                    text: (root.today.easy || "-") + " " + (root.words.easy || "") + " (" + (root.today.scale || "") + ")"
                    color: theme.text
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                Text {
                    objectName: "todayTopFactor"
                    textFormat: Text.PlainText
                    text: (root.words.top_factor || "") + ": " + (root.today.topFactor || "-")
                    color: theme.text
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
            }
            // The distribution, with each bar's number written under it.
            Row {
                objectName: "todayChart"
                spacing: root.unit
                height: root.unit * 14
                Repeater {
                    model: root.today.bars || []
                    Column {
                        required property var modelData
                        width: root.unit * 6
                        anchors.bottom: parent ? parent.bottom : undefined
                        spacing: 2
                        Rectangle {
                            width: parent.width
                            height: Math.max(2, modelData.fraction * root.unit * 9)
                            color: theme.button
                        }
                        Text {
                            textFormat: Text.PlainText
                            width: parent.width
                            horizontalAlignment: Text.AlignHCenter
                            text: modelData.point + ": " + modelData.count
                            color: theme.text
                            font.pixelSize: Math.max(14, root.unit * 1.8)
                        }
                    }
                }
            }

            Text {
                textFormat: Text.PlainText
                visible: (manager.data.surveys || []).length > 0
                text: root.words.survey || ""
                color: theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Flow {
                width: parent.width
                spacing: root.unit
                Repeater {
                    model: manager.data.surveys || []
                    BigButton {
                        required property var modelData
                        objectName: "managerSurvey_" + modelData.id
                        text: modelData.label
                        secondary: modelData.id !== manager.data.currentSurvey
                        fontSize: Math.max(18, root.unit * 2.2)
                        onClicked: manager.chooseSurvey(modelData.id)
                    }
                }
            }

            Text {
                textFormat: Text.PlainText
                text: root.words.language || ""
                color: theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Row {
                spacing: root.unit
                Repeater {
                    model: manager.data.languages || []
                    BigButton {
                        required property var modelData
                        objectName: "managerLang_" + modelData.code
                        text: modelData.name
                        secondary: modelData.code !== manager.data.homeLocale
                        fontSize: Math.max(20, root.unit * 2.5)
                        onClicked: manager.setLanguage(modelData.code)
                    }
                }
            }

            Text {
                textFormat: Text.PlainText
                text: root.words.change_pin || ""
                color: theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Row {
                spacing: root.unit
                TextField {
                    id: newPin
                    objectName: "newPinField"
                    width: root.unit * 30; height: theme.minTouch
                    placeholderText: root.words.new_pin || ""
                    placeholderTextColor: theme.mutedText
                    echoMode: TextInput.Password
                    inputMethodHints: Qt.ImhDigitsOnly
                    maximumLength: 8
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                    onTextChanged: manager.touched()
                }
                TextField {
                    id: repeatPin
                    objectName: "repeatPinField"
                    width: root.unit * 30; height: theme.minTouch
                    placeholderText: root.words.repeat_pin || ""
                    placeholderTextColor: theme.mutedText
                    echoMode: TextInput.Password
                    inputMethodHints: Qt.ImhDigitsOnly
                    maximumLength: 8
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                    onTextChanged: manager.touched()
                }
                BigButton {
                    objectName: "changePinButton"
                    text: root.words.change_pin || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: { manager.changePin(newPin.text, repeatPin.text); newPin.text = ""; repeatPin.text = "" }
                }
            }

            Text {
                textFormat: Text.PlainText
                text: root.words.export_rejected || ""
                color: theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Row {
                spacing: root.unit
                TextField {
                    id: exportPath
                    objectName: "exportPathField"
                    width: root.unit * 50; height: theme.minTouch
                    text: manager.data.exportPath || ""
                    placeholderText: root.words.export_path || ""
                    placeholderTextColor: theme.mutedText
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                    onTextChanged: manager.touched()
                }
                BigButton {
                    objectName: "exportButton"
                    text: root.words.export_rejected || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: manager.exportRejected(exportPath.text)
                }
            }

            Row {
                spacing: root.unit * 2
                BigButton {
                    objectName: "restartButton"
                    secondary: true
                    text: root.words.restart || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: manager.restartApp()
                }
                BigButton {
                    objectName: "exitButton"
                    secondary: true
                    text: root.words.exit || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: manager.exitApp()
                }
            }
        }
    }
}
