import QtQuick

Text {
    textFormat: Text.PlainText
    property real unit: 8
    width: parent ? parent.width : implicitWidth
    color: Theme.text
    font.pixelSize: Math.max(30, unit * 5)
    font.weight: Font.Bold
    horizontalAlignment: Text.AlignHCenter
    wrapMode: Text.WordWrap
}
